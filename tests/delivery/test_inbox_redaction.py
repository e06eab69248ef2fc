"""The request inbox never stores a credential a request carried: it keeps that one was sent
(and its scheme), not its value."""

from __future__ import annotations

from django.db import connection
from django.test import Client

from delivery.inbox import inbox_get_or_create
from delivery.models import InboxRequest

TOKEN = "eyJhbGciOiJIUzI1NiJ9.c2VjcmV0.SIGNATURE_ABC"


def test_credential_headers_are_redacted_before_they_are_stored(alice):
    inbox = inbox_get_or_create(account=alice.account)

    Client().post(f"/inbox/{inbox.token}/cb", data="{}", content_type="application/json",
                  HTTP_AUTHORIZATION=f"Bearer {TOKEN}", HTTP_X_API_KEY="key-123456",
                  HTTP_COOKIE="sessionid=abcdef", HTTP_X_CLIENT_SECRET="shh-1234",
                  HTTP_WEBHOOK_SIGNATURE="v1,abc=", HTTP_X_CUSTOM="visible")

    headers = InboxRequest.objects.get().headers
    assert headers["Authorization"] == f"Bearer [redacted: {len(TOKEN)} characters]"
    assert headers["X-Api-Key"] == "[redacted: 10 characters]"
    assert headers["X-Client-Secret"] == "[redacted: 8 characters]"
    assert headers["Cookie"].startswith("[redacted")
    assert headers["Webhook-Signature"] == "v1,abc="
    assert headers["X-Custom"] == "visible"
    with connection.cursor() as cursor:
        cursor.execute("SELECT headers FROM delivery_inboxrequest")
        stored = str(cursor.fetchall())
    for secret in (TOKEN, "key-123456", "abcdef", "shh-1234"):
        assert secret not in stored


def test_credential_query_parameters_are_redacted_too(alice):
    inbox = inbox_get_or_create(account=alice.account)

    Client().get(f"/inbox/{inbox.token}/cb?status=DELIVRD&api_key=k-98765&access_token=abc123")

    stored = InboxRequest.objects.get().query_string
    assert "status=DELIVRD" in stored
    assert "k-98765" not in stored and "abc123" not in stored
    assert "api_key=%5Bredacted%3A+7+characters%5D" in stored
