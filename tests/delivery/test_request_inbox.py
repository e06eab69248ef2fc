"""The built-in request inbox: a private URL that records any request, and its page."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from delivery.inbox import MAX_BODY_BYTES, inbox_get_or_create
from delivery.models import DeliveryStatus, InboxRequest
from delivery.services import delivery_create
from profiles import catalog
from profiles.validation import EncryptionInput

from .test_deliver_callbacks import SMS_VALUES, make_profile
from .test_delivery_log import browser


def test_any_method_is_recorded_and_listed(alice):
    inbox = inbox_get_or_create(account=alice.account)
    anonymous = Client(enforce_csrf_checks=True)

    posted = anonymous.post(f"/inbox/{inbox.token}/hooks/sms?a=1&b=two", data='{"x": 1}',
                            content_type="application/json", HTTP_X_CUSTOM="yes")
    put = anonymous.put(f"/inbox/{inbox.token}", data="plain text", content_type="text/plain")
    deleted = anonymous.delete(f"/inbox/{inbox.token}/")

    assert [posted.status_code, put.status_code, deleted.status_code] == [200, 200, 200]
    first = InboxRequest.objects.order_by("id").first()
    assert (first.method, first.path, first.query_string) == ("POST", "/hooks/sms", "a=1&b=two")
    assert first.headers["X-Custom"] == "yes"
    assert json.loads(first.body) == {"x": 1}

    page = browser(alice).get("/deliveries/inbox/")
    html = page.content.decode()
    assert page.status_code == 200
    assert f"http://testserver/inbox/{inbox.token}/" in html
    assert "/hooks/sms?a=1&amp;b=two" in html and "plain text" in html
    assert html.count('class="card inbox-entry"') == 3


def test_unknown_token_is_404(db):
    assert Client().post("/inbox/not-a-token/x", data="{}",
                         content_type="application/json").status_code == 404


def test_big_body_is_capped(alice):
    inbox = inbox_get_or_create(account=alice.account)
    body = "a" * (MAX_BODY_BYTES + 5000)

    response = Client().post(f"/inbox/{inbox.token}/", data=body, content_type="text/plain")

    assert response.status_code == 200
    entry = InboxRequest.objects.get()
    assert entry.truncated and entry.body_size == len(body) and len(entry.body) == MAX_BODY_BYTES


def test_status_path_answers_that_status(alice):
    inbox = inbox_get_or_create(account=alice.account)
    response = Client().post(f"/inbox/{inbox.token}/status/503/dlr", data="{}",
                             content_type="application/json")
    assert response.status_code == 503
    assert InboxRequest.objects.get().response_status == 503
    # The page says what the inbox answered.
    html = browser(alice).get("/deliveries/inbox/").content.decode()
    assert "Answered 503</span>" in html


def test_stranger_sees_only_their_own_inbox(alice, charlie):
    inbox = inbox_get_or_create(account=alice.account)
    Client().post(f"/inbox/{inbox.token}/secret-path", data="{}", content_type="application/json")

    html = browser(charlie).get("/deliveries/inbox/").content.decode()

    assert "secret-path" not in html and inbox.token not in html
    assert "Nothing received yet." in html


def test_clear(alice):
    inbox = inbox_get_or_create(account=alice.account)
    Client().get(f"/inbox/{inbox.token}/x")

    response = browser(alice).post("/deliveries/inbox/clear")

    assert response.status_code == 302
    assert InboxRequest.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_real_encrypted_callback_arrives_and_is_shown_decrypted(
    alice, live_server, settings_private_ok, run_tasks
):
    inbox = inbox_get_or_create(account=alice.account)
    profile = make_profile(
        alice.account, url=f"{live_server.url}/inbox/{inbox.token}/dlr",
        body={"to": "<recipient>", "state": "<status>"},
        encryption=EncryptionInput(algorithm="AES-128-CFB", key="0123456789abcdef",
                                   iv="abcdef9876543210", params=["recipient"]),
    )
    delivery = delivery_create(profile=profile, event="SMS-sent", variables=SMS_VALUES,
                               source_type="sms_message", source_id="m-1")

    run_tasks()

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED
    entry = InboxRequest.objects.get()
    assert entry.webhook_id == delivery.webhook_id
    assert json.loads(entry.body)["to"] != "+919876543210"  # encrypted on the wire
    html = browser(alice).get("/deliveries/inbox/").content.decode()
    assert "Decrypted with the profile" in html
    assert "body/to" in html and "+919876543210" in html
    # The delivery is named by its event, as people say it.
    assert f'<a href="/deliveries/{delivery.pk}/">SMS Send callback</a>' in html
    assert "SMS-sent" not in html and "Answered 200</span>" in html


@pytest.mark.django_db(transaction=True)
def test_a_test_request_is_marked_and_decrypted_for_the_owner(
    alice, live_server, settings_private_ok
):
    inbox = inbox_get_or_create(account=alice.account)
    profile = make_profile(
        alice.account, title="Encrypted DLR", url=f"{live_server.url}/inbox/{inbox.token}/dlr",
        body={"to": "<recipient>"},
        encryption=EncryptionInput(algorithm="AES-128-GCM", key="0123456789abcdef",
                                   iv="abcdef9876543210", params=["recipient"]),
    )
    assert browser(alice).post(f"/account/callback-profiles/{profile.profile_id}/test/",
                               _form_of(profile)).status_code == 200
    entry = InboxRequest.objects.get()
    assert entry.webhook_id.startswith("msg_test_")
    html = browser(alice).get("/deliveries/inbox/").content.decode()
    assert "data-inbox-test>Test</span>" in html
    assert f'Test of <a href="/account/callback-profiles/{profile.profile_id}/">Encrypted DLR</a>' in html
    example = catalog.event("SMS-sent").example_values()["recipient"]
    assert "body/to" in html and f"<code>{example}</code>" in html


def _form_of(profile) -> dict:
    enc = profile.encryption
    return {"title": profile.title, "channel": "sms", "http_method": "POST", "url": profile.url,
            "body": json.dumps(profile.body), "headers_name": [""], "headers_value": [""],
            "enable_encryption": "on", "enc-algo": enc.algorithm, "enc-key": enc.key,
            "enc-IV": enc.iv, "enc-params": enc.params, "enc-nonce_mode": enc.nonce_mode}
