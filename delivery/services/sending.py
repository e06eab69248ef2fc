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


def new_webhook_id() -> str:
    return f"msg_{uuid.uuid4().hex}"


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
