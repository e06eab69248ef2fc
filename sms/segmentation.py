"""How many SMS units a text costs: GSM-7 or UCS-2, single or concatenated.

* GSM-7 (3GPP TS 23.038 default alphabet): 160 septets in one SMS, 153 per part once the
  text is split (7 septets of each part go to the concatenation header). Characters of the
  extension table (``^ { } [ ] ~ \\ | €`` and form feed) are sent as ESC + char and cost 2
  septets; an escape pair is never split across two parts.
* Anything outside the GSM-7 tables makes the whole text UCS-2: 70 UTF-16 code units in one
  SMS, 67 per part. Characters outside the BMP (most emoji) take 2 code units and are never
  split across parts either.

Parts are filled greedily character by character, which is what handsets and SMSCs do, so a
text that ends in an escape pair right at a part boundary costs one more unit than a plain
division would say.
"""

from __future__ import annotations

from dataclasses import dataclass

GSM7 = "gsm7"
UCS2 = "ucs2"

# The GSM 03.38 default alphabet (basic character set), in code order.
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
) - {"\x1b"}  # ESC itself is not a character a message can contain
# The extension table: each costs ESC + the character = 2 septets.
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")

LIMITS = {
    # encoding: (single-message capacity, per-part capacity when concatenated)
    GSM7: (160, 153),
    UCS2: (70, 67),
}


@dataclass(frozen=True)
class Segmentation:
    encoding: str  # GSM7 or UCS2
    length: int  # characters, as the customer counts them
    size: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    units: int  # SMS parts billed

    @property
    def single_limit(self) -> int:
        return LIMITS[self.encoding][0]


def is_gsm7(text: str) -> bool:
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text)


def _cost(ch: str, encoding: str) -> int:
    if encoding == GSM7:
        return 2 if ch in GSM7_EXTENSION else 1
    return 2 if ord(ch) > 0xFFFF else 1


def _greedy_parts(text: str, costs: list[int], per_part: int) -> list[str]:
    parts, start, used = [], 0, 0
    for index, cost in enumerate(costs):
        if used + cost > per_part:  # this character (or escape pair) starts a new part
            parts.append(text[start:index])
            start, used = index, 0
        used += cost
    return parts + [text[start:]]


def split(text: str) -> list[str]:
    """The parts `text` is sent as: one per unit `segment` counts (what a carrier receives)."""
    encoding = GSM7 if is_gsm7(text) else UCS2
    costs = [_cost(ch, encoding) for ch in text]
    single, per_part = LIMITS[encoding]
    if sum(costs) <= single:
        return [text]
    return _greedy_parts(text, costs, per_part)


def segment(text: str) -> Segmentation:
    """Encoding, length, size and units of `text` (an empty text is one unit, as on a phone)."""
    encoding = GSM7 if is_gsm7(text) else UCS2
    costs = [_cost(ch, encoding) for ch in text]
    size = sum(costs)
    single, per_part = LIMITS[encoding]
    units = 1 if size <= single else len(_greedy_parts(text, costs, per_part))
    return Segmentation(encoding=encoding, length=len(text), size=size, units=units)


def page_data(labels: dict[str, str]) -> dict:
    """These rules as plain data for the Send test SMS page's live counter (`json_script`), so
    its JS counts as `segment` does; `labels` names each encoding."""
    return {
        "gsm7_basic": "".join(sorted(GSM7_BASIC)),
        "gsm7_extension": "".join(sorted(GSM7_EXTENSION)),
        **{encoding: {"label": labels[encoding], "single": single, "per_part": per_part}
           for encoding, (single, per_part) in LIMITS.items()},
    }
