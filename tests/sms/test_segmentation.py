"""Units, encoding and length of a message text; recipients' country and price."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sms.recipients import InvalidNumber, parse_recipient, price_for, split_numbers
from sms.segmentation import GSM7, UCS2, segment, split


@pytest.mark.parametrize(
    ("text", "encoding", "length", "units"),
    [
        ("", GSM7, 0, 1),
        ("Hello", GSM7, 5, 1),
        ("a" * 160, GSM7, 160, 1),
        ("a" * 161, GSM7, 161, 2),
        ("a" * 306, GSM7, 306, 2),  # 2 × 153
        ("a" * 307, GSM7, 307, 3),
        ("a" * 459, GSM7, 459, 3),
        ("a" * 460, GSM7, 460, 4),
        # Accented letters of the GSM-7 basic table stay GSM-7.
        ("é" * 160, GSM7, 160, 1),
        ("Ñandù à Zürich: £5 @ 10¤ §", GSM7, 26, 1),
        # Extension-table characters cost 2 septets each.
        ("€" * 80, GSM7, 80, 1),
        ("€" * 81, GSM7, 81, 2),
        ("{}" * 40 + "a", GSM7, 81, 2),
        ("[" * 76 + "a" * 2, GSM7, 78, 1),  # 76 escape pairs + 2 = 154 septets
        # An escape pair never straddles two parts: 152 septets + "€" starts part 2.
        ("a" * 152 + "€" + "a" * 10, GSM7, 163, 2),
        ("a" * 152 + "€" + "a" * 152, GSM7, 305, 3),
        ("a" * 151 + "€" + "a" * 153, GSM7, 305, 2),
        # One character outside GSM-7 makes the whole text UCS-2.
        ("ж" * 70, UCS2, 70, 1),
        ("ж" * 71, UCS2, 71, 2),
        ("a" * 70 + "ç", UCS2, 71, 2),  # lowercase ç is not in the GSM-7 tables
        ("ж" * 134, UCS2, 134, 2),  # 2 × 67
        ("ж" * 135, UCS2, 135, 3),
        ("नमस्ते", UCS2, 6, 1),
        # Emoji outside the BMP take two UTF-16 code units and are never split.
        ("😀" * 35, UCS2, 35, 1),
        ("😀" * 36, UCS2, 36, 2),
        ("a" * 66 + "😀" + "a" * 10, UCS2, 77, 2),
    ],
)
def test_segmentation(text, encoding, length, units):
    seg = segment(text)
    assert (seg.encoding, seg.length, seg.units) == (encoding, length, units)


def test_extension_characters_count_two_septets():
    assert segment("^{}\\[~]|€").size == 18
    assert segment("abc").size == 3


@pytest.mark.parametrize(
    ("raw", "e164", "iso_code", "country"),
    [
        ("+919876543210", "+919876543210", "IN", "India"),
        ("919876543210", "+919876543210", "IN", "India"),  # the vendor's own "no +" style
        ("+91 98765-43210", "+919876543210", "IN", "India"),
        ("+14155552671", "+14155552671", "US", "United States"),
        ("+4915112345678", "+4915112345678", "DE", "Germany"),
    ],
)
def test_recipient_country(raw, e164, iso_code, country):
    recipient = parse_recipient(raw)
    assert (recipient.e164, recipient.iso_code, recipient.country_name) == (
        e164, iso_code, country,
    )
    assert recipient.digits == e164[1:]


@pytest.mark.parametrize("raw", ["12ab", "+91987654321", "+", "", "+15555550100", "++91987",
                                 "9" * 40])
def test_invalid_numbers_are_refused(raw):
    with pytest.raises(InvalidNumber):
        parse_recipient(raw)


def test_to_is_a_comma_separated_list():
    assert split_numbers(" +919876543210, 919876543211 ,,") == ["+919876543210", "919876543211"]


def test_price_is_the_country_rate_times_units():
    assert price_for("IN", 1) == Decimal("0.001354")
    assert price_for("IN", 2) == Decimal("0.002708")
    assert price_for("US", 3) == Decimal("0.023700")
    # Countries not in the table pay the "*" rate.
    assert price_for("ZZ", 1) == Decimal("0.050000")


@pytest.mark.parametrize("text", [
    "a" * 160, "a" * 161, "a" * 306, "a" * 307, "€" * 80, "x" * 152 + "€" + "y" * 10,
    "П" * 70, "П" * 71, "😀" * 40, "a" * 66 + "😀" + "b" * 10,
])
def test_the_parts_sent_are_the_units_counted(text):
    parts = split(text)
    assert "".join(parts) == text
    assert len(parts) == segment(text).units
