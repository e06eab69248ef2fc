"""Texts as SMPP short_message bytes and back.

Outgoing: the parts `sms.segmentation.split` makes (so the units billed are the parts sent),
GSM-7 as unpacked septets (data_coding 0, the SMSC default alphabet; codec: gsm0338) or UCS-2
big-endian (data_coding 8), each part of a long text behind a concatenation user data header
(3GPP TS 23.040 IE 0x00: reference, total, number) with the UDHI bit set in esm_class.
Incoming: the same, read back; 16-bit reference headers (IE 0x08) too.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import gsm0338  # noqa: F401 - registers the "gsm03.38" codec
from smpplib import consts

from sms.segmentation import GSM7, split

DATA_CODING_GSM7 = consts.SMPP_ENCODING_DEFAULT  # 0
DATA_CODING_UCS2 = consts.SMPP_ENCODING_ISO10646  # 8
UDHI = consts.SMPP_GSMFEAT_UDHI  # 0x40
_IE_CONCAT_8BIT, _IE_CONCAT_16BIT = 0x00, 0x08


@dataclass(frozen=True)
class OutgoingPart:
    number: int
    short_message: bytes
    data_coding: int
    esm_class: int


def _encode(text: str, encoding: str) -> bytes:
    return text.encode("gsm03.38") if encoding == GSM7 else text.encode("utf-16-be")


def _data_coding(encoding: str) -> int:
    return DATA_CODING_GSM7 if encoding == GSM7 else DATA_CODING_UCS2


def whole_text(text: str, encoding: str) -> OutgoingPart:
    """`text` unsplit: a one-part message, or the whole text for a carrier that splits it
    itself (Kannel)."""
    return OutgoingPart(1, _encode(text, encoding), _data_coding(encoding), 0)


def outgoing_parts(text: str, encoding: str, reference: int | None = None) -> list[OutgoingPart]:
    """`text` (of `encoding`, as the message row says) as its submit_sm payloads."""
    texts = split(text)
    if len(texts) == 1:
        return [whole_text(text, encoding)]
    reference = random.randrange(256) if reference is None else reference
    return [
        OutgoingPart(number, bytes([5, _IE_CONCAT_8BIT, 3, reference, len(texts), number])
                     + _encode(part, encoding), _data_coding(encoding), UDHI)
        for number, part in enumerate(texts, start=1)
    ]


@dataclass(frozen=True)
class IncomingText:
    text: str
    reference: int | None = None  # set for a part of a concatenated message
    total: int = 1
    number: int = 1


def _concatenation(header: bytes) -> tuple[int, int, int] | None:
    index = 0
    while index + 2 <= len(header):
        tag, size = header[index], header[index + 1]
        value = header[index + 2:index + 2 + size]
        if tag == _IE_CONCAT_8BIT and size == 3:
            return value[0], value[1], value[2]
        if tag == _IE_CONCAT_16BIT and size == 4:
            return (value[0] << 8) | value[1], value[2], value[3]
        index += 2 + size
    return None


def decode_incoming(short_message: bytes, data_coding: int, esm_class: int) -> IncomingText:
    """A mobile-originated deliver_sm's text (and its place in a concatenated message)."""
    concatenation = None
    if esm_class & UDHI and short_message:
        length = short_message[0]
        concatenation = _concatenation(short_message[1:1 + length])
        short_message = short_message[1 + length:]
    coding = data_coding & 0x0F
    if coding == DATA_CODING_UCS2:
        text = short_message.decode("utf-16-be", errors="replace")
    elif coding == consts.SMPP_ENCODING_ISO88591:
        text = short_message.decode("latin-1")
    else:
        text = short_message.decode("gsm03.38", errors="replace")
    if concatenation is None:
        return IncomingText(text)
    reference, total, number = concatenation
    return IncomingText(text, reference, total, number)
