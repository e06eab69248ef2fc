"""Secrets in API output: masked everywhere, revealed only by the explicit `/secrets` endpoint.

A masked value is the mask followed by the last four characters of a long secret (enough to
recognise which one it is, as Stripe shows keys). A client that reads a profile and sends the
masked value back unchanged (GET, edit, PATCH) keeps the stored secret instead of overwriting
it with the mask.
"""

from __future__ import annotations

MASK = "••••••••"
SHOW_TAIL_FROM = 20  # shorter secrets show no characters at all


def mask(value: str | None) -> str:
    if not value:
        return ""
    return MASK + value[-4:] if len(value) >= SHOW_TAIL_FROM else MASK


def unmasked(given: str, stored: str | None) -> str:
    """`given`, unless it is exactly the mask of `stored` (then the stored secret is kept)."""
    if stored and isinstance(given, str) and given.startswith(MASK) and given == mask(stored):
        return stored
    return given
