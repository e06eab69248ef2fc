"""End to end: send through the API, let the carrier simulator settle, and check what a real
receiver on 127.0.0.1 gets from the profile's callback."""

from __future__ import annotations

import base64
import json
from urllib.parse import parse_qs

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from pytest_httpserver import HTTPServer

from delivery.models import Delivery, DeliveryStatus
from profiles.models import ProfileStatus
from profiles.validation import EncryptionInput
from sms.models import Message

SELECTED = {
    "message_id": "<message_id>", "recipient": "<recipient>", "units": "<units>",
    "length": "<length>", "iso_code": "<iso_code>", "country_name": "<country_name>",
    "status": "<status>", "status_trace": "<status_trace>", "description": "<description>",
    "ref": "<ref>",
}
TWO = "+919876543210,+919876543211"


def send(actor, django_capture_on_commit_callbacks, **data):
    with django_capture_on_commit_callbacks(execute=True):
        response = actor.api().post(f"/v1/{actor.sid}/messages", data, format="json")
    assert response.status_code == 202, response.json()
    return response.json()["data"]


def received_json(httpserver: HTTPServer) -> list[dict]:
    return [json.loads(request.get_data()) for request, _ in httpserver.log]


def received_query(httpserver: HTTPServer) -> list[dict]:
    return [
        {k: v[0] for k, v in parse_qs(request.query_string.decode(), keep_blank_values=True).items()}
        for request, _ in httpserver.log
    ]


def test_post_profile_gets_the_selected_variables_for_each_recipient(
    alice, make_profile, httpserver: HTTPServer, run_tasks, django_capture_on_commit_callbacks
):
    httpserver.expect_request("/dlr", method="POST").respond_with_data("ok")
    profile = make_profile(alice, url=httpserver.url_for("/dlr"), body=SELECTED)
    data = send(alice, django_capture_on_commit_callbacks, to=TWO, body="a" * 161, type="TXN",
                callback_profile_id=profile.profile_id, ref="order-7")
    assert httpserver.log == []  # nothing before the carrier settles

    run_tasks()

    bodies = sorted(received_json(httpserver), key=lambda b: b["message_id"])
    assert len(bodies) == 2
    assert all(set(b) == set(SELECTED) for b in bodies)
    assert [b["message_id"] for b in bodies] == [f"{data['id']}:1", f"{data['id']}:2"]
    assert [b["recipient"] for b in bodies] == ["919876543210", "919876543211"]
    for body in bodies:
        assert body["units"] == 2 and body["length"] == 161  # numbers stay numbers
        assert (body["iso_code"], body["country_name"]) == ("IN", "India")
        assert (body["status"], body["status_trace"]) == ("Delivered", "DELIVRD")
        assert body["description"] == "Message successfully delivered to the user"
        assert body["ref"] == "order-7"
    messages = Message.objects.filter(account=alice.account).order_by("position")
    for message in messages:
        assert message.status == "Delivered" and message.settled_at is not None
        delivery = message.callback_delivery
        assert delivery.status == DeliveryStatus.SUCCEEDED
        assert (delivery.event, delivery.source_type, delivery.source_id) == (
            "SMS-sent", "sms_message", message.message_id,
        )


def test_ucs2_message_of_71_characters_is_two_units(
    alice, make_profile, httpserver: HTTPServer, run_tasks, django_capture_on_commit_callbacks
):
    httpserver.expect_request("/dlr", method="POST").respond_with_data("ok")
    profile = make_profile(alice, url=httpserver.url_for("/dlr"),
                           body={"units": "<units>", "length": "<length>", "price": "<price>"})
    send(alice, django_capture_on_commit_callbacks, to="+919876543210", body="ж" * 71,
         callback_profile_id=profile.profile_id)
    run_tasks()
    assert received_json(httpserver) == [{"units": 2, "length": 71, "price": "0.002708"}]


def test_get_profile_gets_url_encoded_query_parameters(
    alice, make_profile, httpserver: HTTPServer, run_tasks, django_capture_on_commit_callbacks
):
    httpserver.expect_request("/dlr", method="GET").respond_with_data("ok")
    endpoint = httpserver.url_for("/dlr") + (
        "?id=<message_id>&to=<recipient>&units=<units>&iso=<iso_code>&st=<status>"
        "&desc=<description>&camp=<campaign_name>&sent=<sent_time>"
    )
    profile = make_profile(alice, url=endpoint, method="GET")
    data = send(alice, django_capture_on_commit_callbacks, to=TWO, body="Hello & welcome",
                campaign_name="Spring sale & more", callback_profile_id=profile.profile_id)
    run_tasks()

    queries = sorted(received_query(httpserver), key=lambda q: q["id"])
    assert [q["id"] for q in queries] == [f"{data['id']}:1", f"{data['id']}:2"]
    assert [q["to"] for q in queries] == ["919876543210", "919876543211"]
    for query in queries:
        assert set(query) == {"id", "to", "units", "iso", "st", "desc", "camp", "sent"}
        assert (query["units"], query["iso"], query["st"]) == ("1", "IN", "Delivered")
        assert query["desc"] == "Message successfully delivered to the user"
        assert query["camp"] == "Spring sale & more"  # encoded, so "&" did not split it
    raw = httpserver.log[0][0].query_string.decode()
    assert "Spring%20sale%20%26%20more" in raw


def test_encrypted_params_decrypt_with_the_profiles_key_and_iv(
    alice, make_profile, httpserver: HTTPServer, run_tasks, django_capture_on_commit_callbacks
):
    key, iv = "0123456789abcdef", "fedcba9876543210"
    httpserver.expect_request("/dlr", method="POST").respond_with_data("ok")
    profile = make_profile(
        alice, url=httpserver.url_for("/dlr"),
        body={"message_id": "<message_id>", "recipient": "<recipient>", "status": "<status>"},
        encryption=EncryptionInput(algorithm="AES-128-GCM", key=key, iv=iv,
                                   params=["recipient", "message_id"]),
    )
    data = send(alice, django_capture_on_commit_callbacks, to="+919876543210", body="Hi",
                callback_profile_id=profile.profile_id)
    run_tasks()

    (body,) = received_json(httpserver)

    def decrypt(value: str) -> str:
        raw = base64.b64decode(value)  # ciphertext || 16-byte tag
        return AESGCM(key.encode()).decrypt(iv.encode(), raw, None).decode()

    assert body["recipient"] != "919876543210"
    assert decrypt(body["recipient"]) == "919876543210"
    assert decrypt(body["message_id"]) == f"{data['id']}:1"
    assert body["status"] == "Delivered"  # not in params: sent as is


def test_blocked_number_gets_an_undelivered_report(
    alice, make_profile, httpserver: HTTPServer, run_tasks, django_capture_on_commit_callbacks
):
    httpserver.expect_request("/dlr", method="POST").respond_with_data("ok")
    profile = make_profile(alice, url=httpserver.url_for("/dlr"), body={
        "recipient": "<recipient>", "status": "<status>", "status_trace": "<status_trace>",
        "description": "<description>",
    })
    send(alice, django_capture_on_commit_callbacks, to="+919876500000,+919876543210", body="Hi",
         callback_profile_id=profile.profile_id)
    run_tasks()

    by_number = {b["recipient"]: b for b in received_json(httpserver)}
    assert by_number["919876500000"] == {
        "recipient": "919876500000", "status": "Undelivered", "status_trace": "UNDELIV",
        "description": "Rejected as the number is blacklisted by operator",
    }
    assert by_number["919876543210"]["status"] == "Delivered"


@pytest.mark.parametrize(
    ("body", "limit"), [("a" * 161, 160), ("ж" * 71, 70)],
)
def test_multipart_otp_is_rejected(
    alice, make_profile, httpserver: HTTPServer, run_tasks, django_capture_on_commit_callbacks,
    body, limit,
):
    httpserver.expect_request("/dlr", method="POST").respond_with_data("ok")
    profile = make_profile(alice, url=httpserver.url_for("/dlr"), body={
        "status": "<status>", "status_trace": "<status_trace>", "description": "<description>",
        "units": "<units>",
    })
    send(alice, django_capture_on_commit_callbacks, to="+919876543210", body=body, type="OTP",
         callback_profile_id=profile.profile_id)
    run_tasks()
    assert received_json(httpserver) == [{
        "status": "Undelivered", "status_trace": "REJECTED-MULTIPART",
        "description": f"Validation fail [SMS over {limit} characters]", "units": 2,
    }]


def test_unreachable_number_expires(
    alice, make_profile, httpserver: HTTPServer, run_tasks, django_capture_on_commit_callbacks
):
    httpserver.expect_request("/dlr", method="POST").respond_with_data("ok")
    profile = make_profile(alice, url=httpserver.url_for("/dlr"),
                           body={"status": "<status>", "status_trace": "<status_trace>"})
    send(alice, django_capture_on_commit_callbacks, to="+919876500404", body="Hi",
         callback_profile_id=profile.profile_id)
    run_tasks()
    assert received_json(httpserver) == [{"status": "Failed", "status_trace": "EXPIRED"}]


def test_empty_post_body_sends_every_sms_variable(
    alice, make_profile, httpserver: HTTPServer, run_tasks, django_capture_on_commit_callbacks
):
    httpserver.expect_request("/dlr", method="POST").respond_with_data("ok")
    profile = make_profile(alice, url=httpserver.url_for("/dlr"))
    data = send(alice, django_capture_on_commit_callbacks, to="+919876543210", body="Hello",
                sender="ACME", type="MKT", flash=1, campaign_name="c1",
                callback_profile_id=profile.profile_id)
    run_tasks()
    (body,) = received_json(httpserver)
    message = Message.objects.get()
    assert body == message.callback_variables()
    assert body["id"] == data["id"] and body["sender"] == "ACME" and body["type"] == "MKT"
    assert body["flash"] == 1 and body["source"] == "API" and body["price"] == "0.001354"
    assert body["total"] == 1 and body["campaign_name"] == "c1"


def test_without_a_profile_messages_settle_and_nothing_is_sent(
    alice, sms_settings, run_tasks, django_capture_on_commit_callbacks
):
    send(alice, django_capture_on_commit_callbacks, to=TWO, body="Hi")
    run_tasks()
    assert set(Message.objects.values_list("status", flat=True)) == {"Delivered"}
    assert not Delivery.objects.exists()


def test_a_disabled_profile_records_a_skipped_report(
    alice, make_profile, httpserver: HTTPServer, run_tasks, django_capture_on_commit_callbacks
):
    profile = make_profile(alice, url=httpserver.url_for("/dlr"))
    profile.status = ProfileStatus.DISABLED
    profile.save()
    send(alice, django_capture_on_commit_callbacks, to="+919876543210", body="Hi",
         callback_profile_id=profile.profile_id)
    run_tasks()
    message = Message.objects.get()
    assert message.status == "Delivered"
    assert message.callback_delivery.status == DeliveryStatus.SKIPPED
    assert httpserver.log == []


def test_settling_twice_sends_one_report(
    alice, make_profile, httpserver: HTTPServer, run_tasks, django_capture_on_commit_callbacks
):
    from tests.support.background import settle_message_now

    httpserver.expect_request("/dlr", method="POST").respond_with_data("ok")
    profile = make_profile(alice, url=httpserver.url_for("/dlr"), body={"id": "<message_id>"})
    send(alice, django_capture_on_commit_callbacks, to="+919876543210", body="Hi",
         callback_profile_id=profile.profile_id)
    run_tasks()
    message = Message.objects.get()
    assert settle_message_now(message_pk=message.pk) is None
    run_tasks()
    assert len(httpserver.log) == 1 and Delivery.objects.count() == 1


def test_settlement_waits_for_the_configured_delay(
    alice, make_profile, httpserver: HTTPServer, run_tasks, django_capture_on_commit_callbacks,
    sms_settings,
):
    sms_settings.SMS_DLR_DELAY_SECONDS = 3600
    profile = make_profile(alice, url=httpserver.url_for("/dlr"))
    send(alice, django_capture_on_commit_callbacks, to="+919876543210", body="Hi",
         callback_profile_id=profile.profile_id)
    run_tasks(include_future=False)  # the settle task is not due for an hour
    assert Message.objects.get().status == "Sent"
    assert httpserver.log == []
