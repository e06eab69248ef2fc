"""End to end: a profile + variables → a real request to a real receiver on 127.0.0.1."""

from __future__ import annotations

import base64
import json
from urllib.parse import parse_qs, urlsplit

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from pytest_httpserver import HTTPServer
from standardwebhooks import Webhook

from delivery.models import Delivery, DeliveryStatus
from delivery.services import delivery_create
from profiles.services import active_signing_secrets, profile_create, profile_rotate_signing_secret
from profiles.validation import EncryptionInput, ProfileInput

pytestmark = pytest.mark.usefixtures("settings_private_ok")

SMS_VALUES = {
    "message_id": "6a1f-1:1", "status": "DELIVRD", "status_trace": "Delivered",
    "recipient": "+919876543210", "units": 1, "description": "Delivered",
    "sent_time": "2026-11-23 10:00:00", "ref": "order \"42\" & <more>",
}


def make_profile(account, **overrides):
    data = ProfileInput(
        title="Delivery reports", channel="sms", http_method="POST", url="http://x/",
        body=None, headers={},
    )
    for name, value in overrides.items():
        setattr(data, name, value)
    return profile_create(account=account, data=data)


def send(profile, run_tasks, values=None) -> Delivery:
    delivery = delivery_create(
        profile=profile, event="SMS-sent", variables=values or SMS_VALUES,
        source_type="sms_message", source_id="6a1f-1",
    )
    run_tasks()
    delivery.refresh_from_db()
    return delivery


def test_post_body_is_rendered_json_with_profile_headers(alice, httpserver: HTTPServer, run_tasks):
    httpserver.expect_request("/dlr", method="POST").respond_with_data("ok")
    profile = make_profile(
        alice.account, url=httpserver.url_for("/dlr"),
        body={"id": "<message_id>", "state": "<status>", "units": "<units>",
              "note": "ref=<ref>"},
        headers={"X-Api-Key": "secret-key-1"},
    )

    delivery = send(profile, run_tasks)

    assert delivery.status == DeliveryStatus.SUCCEEDED
    request, response = httpserver.log[0]
    assert request.headers["X-Api-Key"] == "secret-key-1"
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(request.get_data()) == {
        "id": "6a1f-1:1", "state": "DELIVRD", "units": 1, "note": 'ref=order "42" & <more>',
    }
    assert delivery.attempt_count == 1
    attempt = delivery.attempts.get()
    assert attempt.succeeded and attempt.status_code == 200 and attempt.response_excerpt == "ok"
    assert delivery.last_latency_ms is not None and delivery.completed_at is not None


def test_post_with_empty_body_sends_every_variable_of_the_event(
    alice, httpserver: HTTPServer, run_tasks
):
    httpserver.expect_request("/dlr", method="POST").respond_with_data("ok")
    profile = make_profile(alice.account, url=httpserver.url_for("/dlr"))

    send(profile, run_tasks)

    body = json.loads(httpserver.log[0][0].get_data())
    assert body["message_id"] == "6a1f-1:1"
    assert body["units"] == 1
    # Variables of the event without a value are still named (empty), as the catalog lists them.
    assert body["price"] == "" and "iso_code" in body


def test_get_puts_url_encoded_values_in_the_query(alice, httpserver: HTTPServer, run_tasks):
    httpserver.expect_request("/dlr", method="GET").respond_with_data("ok")
    profile = make_profile(
        alice.account, http_method="GET",
        url=httpserver.url_for("/dlr") + "?id=<message_id>&to=<recipient>&ref=<ref>",
    )

    delivery = send(profile, run_tasks)

    request = httpserver.log[0][0]
    assert request.args.to_dict() == {
        "id": "6a1f-1:1", "to": "+919876543210", "ref": 'order "42" & <more>',
    }
    assert request.get_data() == b""
    assert "Content-Type" not in request.headers
    assert parse_qs(urlsplit(delivery.request_url).query)["to"] == ["+919876543210"]


def test_signature_verifies_with_standardwebhooks_and_id_is_stable(
    alice, httpserver: HTTPServer, run_tasks
):
    httpserver.expect_request("/dlr").respond_with_data("ok")
    profile = make_profile(alice.account, url=httpserver.url_for("/dlr"))

    delivery = send(profile, run_tasks)

    request = httpserver.log[0][0]
    headers = {k.lower(): v for k, v in request.headers.items()}
    payload = Webhook(profile.signing_secret).verify(request.get_data(), headers)
    assert payload["message_id"] == "6a1f-1:1"
    assert headers["webhook-id"] == delivery.webhook_id


def test_during_rotation_both_secrets_sign(alice, httpserver: HTTPServer, run_tasks):
    httpserver.expect_request("/dlr").respond_with_data("ok")
    profile = make_profile(alice.account, url=httpserver.url_for("/dlr"))
    old_secret = profile.signing_secret
    profile_rotate_signing_secret(profile=profile)
    assert len(active_signing_secrets(profile)) == 2

    send(profile, run_tasks)

    request = httpserver.log[0][0]
    headers = {k.lower(): v for k, v in request.headers.items()}
    assert len(headers["webhook-signature"].split(" ")) == 2
    Webhook(old_secret).verify(request.get_data(), headers)
    Webhook(profile.signing_secret).verify(request.get_data(), headers)


def test_encrypted_params_decrypt_with_cryptography(alice, httpserver: HTTPServer, run_tasks):
    httpserver.expect_request("/dlr").respond_with_data("ok")
    key, iv = "0123456789abcdef0123456789abcdef", "abcdef9876543210"
    profile = make_profile(
        alice.account, url=httpserver.url_for("/dlr"),
        body={"to": "<recipient>", "state": "<status>"},
        encryption=EncryptionInput(algorithm="AES-256-GCM", key=key, iv=iv, params=["recipient"]),
    )

    send(profile, run_tasks)

    body = json.loads(httpserver.log[0][0].get_data())
    assert body["state"] == "DELIVRD"  # not in params: plain
    raw = base64.b64decode(body["to"])
    assert AESGCM(key.encode()).decrypt(iv.encode(), raw, None) == b"+919876543210"


def test_empty_params_encrypt_every_variable(alice, httpserver: HTTPServer, run_tasks):
    httpserver.expect_request("/dlr").respond_with_data("ok")
    key, iv = "0123456789abcdef", "abcdef9876543210"
    profile = make_profile(
        alice.account, http_method="GET",
        url=httpserver.url_for("/dlr") + "?to=<recipient>&state=<status>",
        encryption=EncryptionInput(algorithm="AES-128-GCM", key=key, iv=iv, params=[]),
    )

    send(profile, run_tasks)

    args = httpserver.log[0][0].args
    aes = AESGCM(key.encode())
    assert aes.decrypt(iv.encode(), base64.b64decode(args["to"]), None) == b"+919876543210"
    assert aes.decrypt(iv.encode(), base64.b64decode(args["state"]), None) == b"DELIVRD"


def test_redirect_is_not_followed_and_counts_as_failure(alice, httpserver: HTTPServer, run_tasks):
    httpserver.expect_request("/dlr").respond_with_data(
        "", status=302, headers={"Location": httpserver.url_for("/elsewhere")}
    )
    profile = make_profile(alice.account, url=httpserver.url_for("/dlr"))

    delivery = send(profile, run_tasks)

    assert [r.path for r, _ in httpserver.log] == ["/dlr"]
    assert delivery.status == DeliveryStatus.PENDING  # will be retried
    assert "redirect not followed" in delivery.last_error
    assert delivery.last_status_code == 302
