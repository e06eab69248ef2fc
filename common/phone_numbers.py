"""The one rule for phone numbers, used by SMS send, VMNs and incoming SMS alike.

A number is read as international E.164: spaces, dashes, dots and brackets are ignored, a
leading `00` is the international prefix, and a number without `+` is read as if it had one
(`919876543210` = `+919876543210`); there is no "default country" guess. It must be a *valid*
number for its country by phonenumbers' metadata, not just the right length.
"""

from __future__ import annotations

import re

import phonenumbers

_SEPARATORS = re.compile(r"[\s().\-]")
MAX_NUMBER_CHARS = 32


class InvalidNumber(ValueError):
    """Not a valid international number; str() says which entry, in the customer's words."""


def parse_number(raw: str) -> phonenumbers.PhoneNumber:
    text = _SEPARATORS.sub("", raw or "")
    if not text:
        raise InvalidNumber("an empty entry is not a phone number")
    if len(text) > MAX_NUMBER_CHARS:
        raise InvalidNumber(f"'{raw[:MAX_NUMBER_CHARS]}…' is not a valid phone number")
    if text.startswith("00"):
        text = "+" + text[2:]
    elif not text.startswith("+"):
        text = "+" + text
    if not text[1:].isdigit() or not text[1:].isascii():
        raise InvalidNumber(f"'{raw}' is not a valid phone number")
    try:
        number = phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException as exc:
        raise InvalidNumber(f"'{raw}' is not a valid phone number") from exc
    if not phonenumbers.is_valid_number(number):
        raise InvalidNumber(f"'{raw}' is not a valid phone number")
    return number


def to_e164(raw: str) -> str:
    """`raw` as E.164 ("+919876543210"), or raise InvalidNumber."""
    return phonenumbers.format_number(parse_number(raw), phonenumbers.PhoneNumberFormat.E164)


def e164_or_none(raw: str) -> str | None:
    try:
        return to_e164(raw)
    except InvalidNumber:
        return None
