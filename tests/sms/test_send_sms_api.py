"""POST /v1/<sid>/messages: accepted requests, and every kind of refusal (nothing half-created)."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest

from sms.models import Message

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
TWO = "+919876543210,+919876543211"


def url(actor) -> str:
    return f"/v1/{actor.sid}/messages"


def test_form_urlencoded_send_returns_one_id_per_recipient(alice, make_profile):
    profile = make_profile(alice, url="http://127.0.0.1:9/dlr")
    response = alice.api().post(url(alice), urlencode({
        "to": TWO, "body": "Your OTP is 5556.", "type": "TXN", "sender": "KLRHXA",
        "template_id": "1107160129068911000", "callback_profile_id": profile.profile_id,
    }), content_type="application/x-www-form-urlencoded")
    assert response.status_code == 202
    payload = response.json()
    assert payload["code"] == "RBC202" and payload["status"] == 202 and payload["error"] == {}
    data = payload["data"]
    assert re.fullmatch(UUID, data["id"])
    ids = [m["message_id"] for m in data["messages"]]
    assert ids == [f"{data['id']}:1", f"{data['id']}:2"]
    assert [m["recipient"] for m in data["messages"]] == ["+919876543210", "+919876543211"]
    assert data["total_count"] == 2 and data["callback_profile_id"] == profile.profile_id
    assert all(m["status"] == "Sent" and m["units"] == 1 for m in data["messages"])
    assert list(Message.objects.filter(account=alice.account)
                .order_by("position").values_list("message_id", flat=True)) == ids


def test_real_form_encoding_is_accepted(alice, client):
    response = client.post(
        url(alice), "to=%2B919876543210&body=Hello+there&type=OTP",
        content_type="application/x-www-form-urlencoded", HTTP_API_KEY=alice.api_key,
    )
    assert response.status_code == 202, response.content
    message = Message.objects.get(account=alice.account)
    assert (message.body, message.type, message.sender) == ("Hello there", "OTP", "KLRHXA")


def test_json_send_accepts_numbers_without_plus_and_lists(alice):
    response = alice.api().post(url(alice), {
        "to": ["919876543210", 14155552671], "body": "Hi", "flash": 1, "ref": "order-1",
        "campaign_name": "spring", "template_id": 1107160129068911000,
    }, format="json")
    assert response.status_code == 202, response.json()
    first, second = Message.objects.filter(account=alice.account).order_by("position")
    assert (first.recipient, first.iso_code, first.country_name) == ("+919876543210", "IN", "India")
    assert (second.recipient, second.iso_code) == ("+14155552671", "US")
    assert first.flash and first.ref == "order-1" and first.campaign_name == "spring"
    assert first.template_id == "1107160129068911000" and first.source == "API"
    assert first.type == "TXN"  # the default route


def test_message_records_every_variable(alice):
    body = "a" * 161
    alice.api().post(url(alice), {"to": TWO, "body": body, "type": "MKT"}, format="json")
    first, second = Message.objects.filter(account=alice.account).order_by("position")
    variables = second.callback_variables()
    assert variables["length"] == 161 and variables["units"] == 2
    assert variables["price"] == "0.002708"  # India 0.001354 × 2 units
    assert variables["total"] == 4 and first.callback_variables()["total"] == 2
    assert variables["recipient"] == "919876543211" and variables["iso_code"] == "IN"
    assert variables["message_id"] == f"{second.request_id}:2"
    assert variables["id"] == str(second.request_id)
    assert (variables["status"], variables["status_trace"]) == ("Sent", "SENT")
    assert variables["flash"] == 0 and variables["source"] == "API"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", variables["sent_time"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\+00:00", variables["status_time"])


def _refused(response, field_text: str):
    assert 400 <= response.status_code < 500, response.content
    payload = response.json()
    assert payload["code"] == "RBC302" and payload["status"] == response.status_code
    assert payload["data"] == {}
    assert field_text in payload["message"]
    return payload


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"to": "+919876543210", "body": ""}, "body/body must NOT be empty"),
        ({"to": "+919876543210", "body": "   "}, "body/body must NOT be empty"),
        ({"to": "+919876543210"}, "body must have required property 'body'"),
        ({"body": "Hi"}, "body must have required property 'to'"),
        ({"to": "", "body": "Hi"}, "body/to must NOT be empty"),
        ({"to": "12ab", "body": "Hi"}, "body/to must be a comma-separated list of E.164 numbers"),
        ({"to": "+919876543210,+91987", "body": "Hi"}, "'+91987' is not a valid phone number"),
        ({"to": "+919876543210", "body": "Hi", "type": "PROMO"},
         "body/type must be equal to one of the allowed values: OTP, TXN, MKT"),
        ({"to": "+919876543210", "body": "Hi", "sender": "TOO-LONG-SENDER"}, "body/sender"),
        ({"to": "+919876543210", "body": "Hi", "flash": "yes"}, "body/flash must be 0 or 1"),
        ({"to": "+919876543210", "body": "Hi", "template_id": "12a"}, "body/template_id"),
        ({"to": "+919876543210", "body": "Hi", "ref": "x" * 101},
         "body/ref must NOT have more than 100 characters"),
        ({"to": "+919876543210", "body": 42}, "body/body must be string"),
        ({"to": {"a": 1}, "body": "Hi"}, "body/to must be string or array of strings"),
        ({"to": ",".join(["+919876543210"] * 101), "body": "Hi"},
         "body/to must NOT have more than 100 numbers"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_created(alice, data, message):
    _refused(alice.api().post(url(alice), data, format="json"), message)
    assert not Message.objects.exists()


def test_every_bad_recipient_is_named(alice):
    payload = _refused(alice.api().post(url(alice), {
        "to": "+919876543210,12ab,+91987", "body": "Hi",
    }, format="json"), "'12ab'")
    assert [list(e) for e in payload["error"]] == [["to"], ["to"]]
    assert "'+91987'" in payload["error"][1]["to"]
    assert not Message.objects.exists()


def test_unknown_profile_id_is_refused(alice):
    _refused(alice.api().post(url(alice), {
        "to": TWO, "body": "Hi", "callback_profile_id": "IN_00000000-0000-4000-8000-000000000000",
    }, format="json"), "body/callback_profile_id must be the id of one of this account's")
    assert not Message.objects.exists()


def test_another_accounts_profile_reads_like_an_unknown_id(alice, charlie, make_profile):
    theirs = make_profile(charlie, url="http://127.0.0.1:9/dlr")
    unknown = alice.api().post(url(alice), {
        "to": TWO, "body": "Hi", "callback_profile_id": "IN_00000000-0000-4000-8000-000000000000",
    }, format="json").json()
    other = alice.api().post(url(alice), {
        "to": TWO, "body": "Hi", "callback_profile_id": theirs.profile_id,
    }, format="json")
    payload = _refused(other, "body/callback_profile_id")
    assert payload["message"] == unknown["message"] and other.status_code == 400
    assert not Message.objects.exists()


def test_default_channel_profile_is_refused_for_sms(alice, make_profile):
    profile = make_profile(alice, url="http://127.0.0.1:9/hook", channel="default")
    _refused(alice.api().post(url(alice), {
        "to": TWO, "body": "Hi", "callback_profile_id": profile.profile_id,
    }, format="json"), "body/callback_profile_id must be a profile of the SMS channel")
    assert not Message.objects.exists()


def test_a_bad_recipient_among_good_ones_creates_nothing(alice, make_profile):
    profile = make_profile(alice, url="http://127.0.0.1:9/dlr")
    _refused(alice.api().post(url(alice), {
        "to": "+919876543210,+919876543211,not-a-number", "body": "Hi",
        "callback_profile_id": profile.profile_id,
    }, format="json"), "'not-a-number'")
    assert not Message.objects.exists()


def test_missing_key_is_401(alice, client):
    response = client.post(url(alice), {"to": TWO, "body": "Hi"})
    assert response.status_code == 401
    assert response.json()["status"] == 401


def test_the_stranger_cannot_send_for_alice(alice, charlie):
    # charlie's key is not a key of alice's SID: refused without saying whose SID it is.
    response = charlie.api().post(url(alice), {"to": TWO, "body": "Hi"}, format="json")
    assert response.status_code == 401
    assert not Message.objects.exists()


def test_a_teammates_key_sends_for_the_account(alice, bob):
    response = bob.api().post(url(alice), {"to": TWO, "body": "Hi"}, format="json")
    assert response.status_code == 202
    assert Message.objects.filter(account=alice.account).count() == 2


def test_unknown_sid_is_401(alice):
    response = alice.api().post("/v1/HXNOSUCHSID/messages", {"to": TWO, "body": "Hi"})
    assert response.status_code == 401
