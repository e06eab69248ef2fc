"""Advanced callback authentication: an OAuth 2.0 client-credentials token (RFC 6749 §4.4).

Before a callback is sent, `bearer_headers` returns `{"Authorization": "Bearer <token>"}` for a
profile with advanced authentication. The token is fetched through `transport.send` (so the SSRF
guard, timeouts and body cap apply to the token URL too) and cached in Django's cache until
shortly before it expires. The cache key hashes the settings, so an edit of the token URL, the
client or the secret never reuses a token obtained with the old ones. The token is added to the
outgoing request only: it is a short-lived secret, and a retry fetches a valid one.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import re
from typing import Any
from urllib.parse import urlencode

from django.core.cache import cache

from profiles.validation import AuthInput

from . import transport
from .render import RenderedRequest

DEFAULT_EXPIRES_IN = 300  # seconds, when the token response does not say
# Stop using a token this long before it expires (clock skew, time in flight, retries).
EXPIRY_MARGIN = 30
MIN_CACHE_SECONDS = 5
MAX_TOKEN_BODY = 16 * 1024
MAX_EXPIRES_IN = 24 * 3600  # cache a token at most a day, whatever the server claims
# RFC 6750 §2.1 b64token: what can follow "Bearer " in an Authorization header.
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9\-._~+/]+=*$")


class TokenError(transport.DeliveryError):
    """The token endpoint did not give us a token; a normal, retryable delivery failure."""


def _cache_key(profile_pk: int | None, auth: AuthInput) -> str:
    material = json.dumps(
        [auth.token_url, auth.client_id, auth.client_secret, auth.scope or ""]
    ).encode()
    return f"delivery:oauth:{profile_pk or 'unsaved'}:{hashlib.sha256(material).hexdigest()}"


def _token_request(auth: AuthInput) -> RenderedRequest:
    form = {"grant_type": "client_credentials"}
    if auth.scope:
        form["scope"] = auth.scope
    basic = base64.b64encode(f"{auth.client_id}:{auth.client_secret}".encode()).decode()
    return RenderedRequest(
        method="POST",
        url=auth.token_url,
        headers={
            "Authorization": f"Basic {basic}",
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/json",
        },
        body=urlencode(form).encode(),
    )


def _parse_token(result: transport.TransportResult, token_url: str) -> tuple[str, int]:
    if not result.ok:
        raise TokenError(f"token request failed: HTTP {result.status_code} from {token_url}")
    try:
        payload = json.loads(result.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise TokenError(f"token response from {token_url} is not JSON") from None
    token = payload.get("access_token") if isinstance(payload, dict) else None
    if not isinstance(token, str) or not token.strip():
        raise TokenError("token response has no access_token")
    token = token.strip()
    if not TOKEN_PATTERN.match(token):
        raise TokenError(
            "token response has an access_token that is not a valid header value "
            "(RFC 6750 allows letters, digits and -._~+/=)"
        )
    return token, _lifetime(payload.get("expires_in", DEFAULT_EXPIRES_IN))


def _lifetime(expires_in: Any) -> int:
    """`expires_in` as whole seconds; missing, malformed, infinite or absurd values fall back
    to the default rather than crashing (JSON allows `1e999`, which Python reads as inf)."""
    if isinstance(expires_in, bool):
        return DEFAULT_EXPIRES_IN
    if isinstance(expires_in, str):
        expires_in = expires_in.strip()
        if not expires_in.isdigit():
            return DEFAULT_EXPIRES_IN
    try:
        seconds = float(expires_in)
    except (TypeError, ValueError, OverflowError):
        return DEFAULT_EXPIRES_IN
    if not math.isfinite(seconds) or seconds <= 0:
        return DEFAULT_EXPIRES_IN
    return int(min(seconds, MAX_EXPIRES_IN))


def fetch_token(auth: AuthInput, *, options: dict[str, Any]) -> tuple[str, int]:
    """Ask the token URL for a token; `(access_token, expires_in)` or raise TokenError."""
    try:
        result = transport.send(
            _token_request(auth), **{**options, "max_body": MAX_TOKEN_BODY}
        )
    except transport.DeliveryError as exc:
        raise TokenError(
            f"token request to {auth.token_url} failed: {exc.message}", permanent=exc.permanent
        ) from exc
    return _parse_token(result, auth.token_url)


def access_token(auth: AuthInput, *, profile_pk: int | None, options: dict[str, Any]) -> str:
    """A valid token for these settings: from the cache, else freshly fetched and cached."""
    key = _cache_key(profile_pk, auth)
    cached = cache.get(key)
    if isinstance(cached, str) and cached:
        return cached
    token, expires_in = fetch_token(auth, options=options)
    lifetime = expires_in - EXPIRY_MARGIN
    if lifetime >= MIN_CACHE_SECONDS:
        cache.set(key, token, timeout=lifetime)
    return token


def bearer_headers(
    auth: AuthInput | None, *, profile_pk: int | None, options: dict[str, Any]
) -> dict[str, str]:
    """The headers advanced authentication adds to one outgoing callback (none when off)."""
    if auth is None:
        return {}
    token = access_token(auth, profile_pk=profile_pk, options=options)
    return {"Authorization": f"Bearer {token}"}
