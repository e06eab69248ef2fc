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


# Headers the platform sets itself: never secrets, shown as sent.
PLATFORM_HEADERS = {"content-type", "accept", "user-agent", "webhook-id", "webhook-timestamp",
                    "webhook-signature"}


def masked_headers(headers: dict[str, str]) -> dict[str, str]:
    """A request's headers for API output: profile headers (credentials, often) masked, the
    Authorization scheme kept ("Bearer ••••••••") so the kind of credential stays visible."""
    out = {}
    for name, value in headers.items():
        if name.lower() in PLATFORM_HEADERS or MASK in str(value):
            out[name] = value
            continue
        scheme, _, rest = str(value).partition(" ")
        if name.lower() == "authorization" and rest:
            out[name] = f"{scheme} {mask(rest)}"
        else:
            out[name] = mask(str(value))
    return out
