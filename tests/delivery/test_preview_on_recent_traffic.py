"""Preview on recent traffic: an edited, unsaved profile rendered against the last real
deliveries of its channel, beside what was sent; nothing is sent and nothing is saved."""

from __future__ import annotations

import json

import pytest
from pytest_httpserver import HTTPServer

from delivery.models import Delivery, DeliveryStatus
from profiles.models import CallbackProfile
from profiles.services import profile_create
from profiles.validation import EncryptionInput, ProfileInput
from receive_sms.services import (
    ConfigurationInput,
    configuration_create,
    incoming_sms_receive,
    vmn_provision,
)
from sms.services import message_send

RECIPIENTS = ["919876543210", "919876543211", "919876543212"]
SENT_BODY = {"status": "<status>", "id": "<message_id>", "to": "<recipient>"}
NEW_BODY = {"state": "<status>", "to": "<recipient>", "camp": "<campaign_name>"}


@pytest.fixture
def delivered(alice, httpserver: HTTPServer, settings_private_ok, run_tasks):
    """Three real delivery reports, sent to the test's receiver; then its log is cleared."""
    httpserver.expect_request("/dlr", method="POST").respond_with_data("ok")
    profile = profile_create(account=alice.account, data=ProfileInput(
        title="Delivery reports", channel="sms", http_method="POST",
        url=httpserver.url_for("/dlr"), body=SENT_BODY,
        headers={"api-key": "secret-header-value"},
        encryption=EncryptionInput(algorithm="AES-128-GCM", key="0123456789abcdef",
                                   iv="abcdef9876543210", params=["recipient"])))
    message_send(account=alice.account, to=",".join(f"+{n}" for n in RECIPIENTS),
                 body="Your order is on its way", callback_profile_id=profile.profile_id)
    run_tasks()
    assert len(httpserver.log) == 3
    assert Delivery.objects.filter(status=DeliveryStatus.SUCCEEDED).count() == 3
    httpserver.clear_log()
    return profile


def _by_recipient(events: list[dict]) -> dict[str, dict]:
    return {next(d["value"] for d in e["preview"]["decrypted"] if d["where"] == "recipient"): e
            for e in events}


def test_api_preview_shows_the_new_body_for_each_recent_delivery_and_sends_nothing(
    alice, delivered, httpserver: HTTPServer
):
    response = alice.api().post(
        f"/v1/{alice.sid}/callback/profiles/{delivered.profile_id}/preview",
        {"body": NEW_BODY}, format="json")
    assert response.status_code == 200, response.json()
    answer = response.json()
    assert answer["code"] == "RBC024" and answer["status"] == 200
    events = answer["data"]["events"]
    assert len(events) == 3
    previews = _by_recipient(events)
    assert sorted(previews) == RECIPIENTS
    for recipient, event in previews.items():
        body = json.loads(event["preview"]["body"])
        # The new body; the recipient encrypted with the profile's key, shown decrypted.
        assert set(body) == {"state", "to", "camp"}
        assert body["state"] == "Delivered" and body["camp"] == ""
        assert body["to"] != recipient
        # Beside what was actually sent then: the old body.
        assert set(json.loads(event["sent"]["body"])) == set(SENT_BODY)
        assert [d["value"] for d in event["sent"]["decrypted"]] == [recipient]
        assert event["empty_placeholders"] == ["campaign_name"]
        # Secrets masked on both sides.
        assert event["preview"]["headers"]["api-key"].startswith("••••••••")
        assert event["sent"]["headers"]["api-key"].startswith("••••••••")
    assert httpserver.log == []  # nothing reached the endpoint
    delivered.refresh_from_db()
    assert delivered.body == SENT_BODY  # nothing saved
    assert Delivery.objects.count() == 3


def test_api_preview_validates_like_patch(alice, delivered, httpserver: HTTPServer):
    url = f"/v1/{alice.sid}/callback/profiles/{delivered.profile_id}"
    preview = alice.api().post(url + "/preview", {"http_method": "PUT"}, format="json")
    patch = alice.api().patch(url, {"http_method": "PUT"}, format="json")
    assert preview.status_code == patch.status_code == 400
    assert preview.json()["message"] == patch.json()["message"]
    assert preview.json()["code"] == "RBC302"
    other = alice.api().post(f"/v1/{alice.sid}/callback/profiles/IN_nope/preview", {},
                             format="json")
    assert other.status_code == 404
    assert httpserver.log == []


def _edit_form(profile: CallbackProfile, body: dict) -> dict:
    return {
        "title": profile.title, "channel": "sms", "http_method": "POST", "url": profile.url,
        "body": json.dumps(body), "headers_name": ["api-key"],
        "headers_value": ["secret-header-value"], "enable_encryption": "on",
        "enc-algo": "AES-128-GCM", "enc-key": "0123456789abcdef",
        "enc-IV": "abcdef9876543210", "enc-params": ["recipient"], "enc-nonce_mode": "fixed",
    }


def test_page_preview_shows_the_new_body_for_each_recent_delivery_and_sends_nothing(
    client, alice, delivered, httpserver: HTTPServer
):
    client.force_login(alice.user)
    url = f"/account/callback-profiles/{delivered.profile_id}/preview/"
    response = client.post(url, _edit_form(delivered, NEW_BODY), HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    html = response.json()["html"]
    assert html.count("data-preview-item") == 3
    assert html.count("&quot;state&quot;:&quot;Delivered&quot;") == 3  # the new body
    assert html.count("&quot;status&quot;:&quot;Delivered&quot;") == 3  # what was sent
    for recipient in RECIPIENTS:  # decrypted for the owner, on both sides
        assert html.count(f'<code class="break">{recipient}</code>') == 2
    assert "secret-header-value" not in html
    assert html.count("Would render empty: <code>&lt;campaign_name&gt;</code>") == 3
    # Without JS: the form page again, with the preview and everything typed.
    page = client.post(url, _edit_form(delivered, NEW_BODY)).content.decode()
    assert page.count("data-preview-item") == 3 and "&quot;camp&quot;" in page
    assert httpserver.log == []
    delivered.refresh_from_db()
    assert delivered.body == SENT_BODY


def test_page_preview_names_what_to_fix(client, alice, delivered):
    client.force_login(alice.user)
    response = client.post(f"/account/callback-profiles/{delivered.profile_id}/preview/",
                           {**_edit_form(delivered, NEW_BODY), "title": "x"},
                           HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    assert "Preview not made" in response.json()["html"]
    assert "fewer than 3 characters" in response.json()["html"]


def test_preview_of_another_accounts_profile_is_404(client, charlie, delivered):
    client.force_login(charlie.user)
    response = client.post(f"/account/callback-profiles/{delivered.profile_id}/preview/",
                           _edit_form(delivered, NEW_BODY))
    assert response.status_code == 404


def test_a_default_channel_profile_is_previewed_on_the_incoming_messages_it_was_fired_for(
    alice, httpserver: HTTPServer, settings_private_ok, run_tasks
):
    httpserver.expect_request("/in", method="POST").respond_with_data("ok")
    profile = profile_create(account=alice.account, data=ProfileInput(
        title="Incoming hook", channel="default", http_method="POST",
        url=httpserver.url_for("/in"), body={"text": "<message>"}))
    other = profile_create(account=alice.account, data=ProfileInput(
        title="Other hook", channel="default", http_method="POST",
        url=httpserver.url_for("/in"), body={"text": "<message>"}))
    vmn = vmn_provision(account=alice.account, number="+919870012345")
    configuration_create(account=alice.account, data=ConfigurationInput(
        vmn=vmn, keyword="", callback_profile=profile))
    configuration_create(account=alice.account, data=ConfigurationInput(
        vmn=vmn, keyword="OTHER", callback_profile=other))
    for text in ("hello there", "second one", "OTHER not this profile's"):
        incoming_sms_receive(to=vmn.number, source="+918240123456", message=text)
    run_tasks()
    httpserver.clear_log()

    response = alice.api().post(
        f"/v1/{alice.sid}/callback/profiles/{profile.profile_id}/preview",
        {"body": {"from": "<source>", "words": "<parts[2]>"}}, format="json")
    events = response.json()["data"]["events"]
    assert [json.loads(e["preview"]["body"]) for e in events] == [
        {"from": "+918240123456", "words": "one"}, {"from": "+918240123456", "words": "there"}]
    assert {e["event"] for e in events} == {"SMS-incoming"}
    assert httpserver.log == []
