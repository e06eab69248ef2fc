"""What every outgoing callback shares, real or test: signed at send time, authenticated at
send time (advanced authentication's Bearer token), sent with the transport options from
settings, a failure told in one short line.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import replace
from typing import Any

from django.conf import settings

from common.standard_webhooks import signature_headers
from profiles.validation import AuthInput

from .. import oauth, transport
from ..render import RenderedRequest

ERROR_MAX = 300

# How a Test or a preview shows the OAuth bearer token it does not reveal (or fetch).
OAUTH_TOKEN_SHOWN = "Bearer •••••••• (token from the token URL)"


def new_webhook_id() -> str:
    return f"msg_{uuid.uuid4().hex}"


TEST_WEBHOOK_PREFIX = "msg_test_"


def webhook_id_for_test(profile_id: str | None) -> str:
    """A Test's webhook-id: marked as a test, naming the saved profile tested (if any) by the
    UUID of its public id, so the request inbox can show it as a Test and decrypt it."""
    _, _, key = (profile_id or "").rpartition("_")
    try:
        tested = f"{uuid.UUID(key).hex}_"
    except ValueError:
        tested = ""
    return f"{TEST_WEBHOOK_PREFIX}{tested}{uuid.uuid4().hex[:16]}"


def tested_profile_key(webhook_id: str) -> str | None:
    """The UUID (text) ending the public id of the profile a Test's webhook-id names; None
    for other requests or the test of an unsaved form."""
    if not webhook_id.startswith(TEST_WEBHOOK_PREFIX):
        return None
    tested, _, _ = webhook_id[len(TEST_WEBHOOK_PREFIX):].partition("_")
    try:
        return str(uuid.UUID(hex=tested)) if len(tested) == 32 else None
    except ValueError:
        return None


def transport_options(*, test: bool = False) -> dict[str, Any]:
    return {
        "allow_private": settings.CALLBACK_ALLOW_PRIVATE_NETWORKS,
        "connect_timeout": settings.CALLBACK_CONNECT_TIMEOUT,
        "read_timeout": settings.CALLBACK_TEST_READ_TIMEOUT if test
        else settings.CALLBACK_READ_TIMEOUT,
        "verify": settings.CALLBACK_CA_BUNDLE or True,
    }


def signed(request: RenderedRequest, *, secrets: list[str], webhook_id: str) -> RenderedRequest:
    signature = signature_headers(
        secrets=secrets, msg_id=webhook_id, timestamp=int(time.time()), body=request.body
    )
    return replace(request, headers={**request.headers, **signature})


def authenticated(
    request: RenderedRequest, *, auth: AuthInput | None, profile_pk: int | None, test: bool = False
) -> RenderedRequest:
    """Add the OAuth Bearer token to this one outgoing request (never to a stored one).

    Raises `oauth.TokenError` (a DeliveryError) when the token endpoint fails.
    """
    extra = oauth.bearer_headers(auth, profile_pk=profile_pk, options=transport_options(test=test))
    if not extra:
        return request
    headers = {k: v for k, v in request.headers.items() if k.lower() != "authorization"}
    return replace(request, headers={**headers, **extra})


def error_text(result: transport.TransportResult | None, error: Exception | None) -> str:
    if error is not None:
        return str(getattr(error, "message", error))[:ERROR_MAX]
    if result is not None and not result.ok:
        return f"endpoint answered HTTP {result.status_code}"
    return ""
