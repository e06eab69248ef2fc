"""The carrier endpoints' shared secret (`INBOUND_SMS_TOKEN`): POST /inbound/sms and
/inbound/dlr. Sent as the X-Inbound-Token header; gateways that can only call a URL (Kannel's
dlr-url) may put it in the `token` query parameter instead (README: Connecting a carrier)."""

from __future__ import annotations

import hmac

from django.conf import settings
from django.http import HttpRequest


def inbound_token_ok(request: HttpRequest, *, query_allowed: bool = False) -> bool:
    expected = settings.INBOUND_SMS_TOKEN or ""
    given = request.headers.get("X-Inbound-Token", "")
    if not given and query_allowed:
        given = request.GET.get("token", "")
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())
