"""POST /inbound/dlr (and Kannel's GET dlr-url): receipts from HTTP gateways, through the same
rules as over SMPP."""

from __future__ import annotations

import pytest

from delivery.models import Delivery
from profiles.services import profile_create
from profiles.validation import ProfileInput
from sms.models import EarlyReceipt
from tests.carrier.inprocess import submitted, use_carrier

TOKEN = "carrier-secret-token"


@pytest.fixture
def carrier_settings(settings_private_ok):
    settings_private_ok.INBOUND_SMS_TOKEN = TOKEN
    use_carrier(settings_private_ok)
    return settings_private_ok


def dlr(client, **fields):
    return client.post("/inbound/dlr", fields, headers={"X-Inbound-Token": TOKEN})


def test_a_delivered_receipt_settles_the_message_and_fires_its_callback(
        client, alice, carrier_settings):
    profile = profile_create(account=alice.account, data=ProfileInput(
        title="Delivery reports", channel="sms", http_method="POST",
        url="http://127.0.0.1:9/hook", body={"status": "<status>"}))
    message = submitted(alice, "+919876540001", profile_id=profile.profile_id)
    assert (message.status, message.carrier_message_id) == ("Sent", "+919876540001-1")

    response = dlr(client, message_id="+919876540001-1", status="DELIVRD",
                   done_date="2612031200")

    assert response.status_code == 200
    assert response.json()["data"]["outcome"] == "applied"
    message.refresh_from_db()
    assert (message.status, message.status_trace) == ("Delivered", "DELIVRD")
    (delivery,) = Delivery.objects.filter(source_id=message.message_id)
    assert delivery.variables["status"] == "Delivered"
    assert dlr(client, message_id="+919876540001-1", status="DELIVRD").json()["data"][
        "outcome"] == "ignored"
    assert Delivery.objects.filter(source_id=message.message_id).count() == 1


def test_kannels_get_with_report_type_and_token_in_the_query(client, alice, carrier_settings):
    message = submitted(alice, "+919876540002")

    query = {"token": TOKEN, "message_id": "+919876540002-1", "status": "2"}  # 2: failed
    response = client.get("/inbound/dlr", query)

    assert response.status_code == 200, response.content
    message.refresh_from_db()
    assert (message.status, message.status_trace) == ("Undelivered", "UNDELIV")


def test_a_receipt_for_an_unknown_id_is_kept_until_the_id_is_recorded(
        client, alice, carrier_settings):
    assert dlr(client, message_id="+919876540003-1", status="DELIVRD").json()["data"][
        "outcome"] == "early"
    assert EarlyReceipt.objects.count() == 1

    message = submitted(alice, "+919876540003")

    assert message.status == "Delivered"
    assert EarlyReceipt.objects.count() == 0


@pytest.mark.parametrize(("fields", "field"), [
    ({"status": "DELIVRD"}, "message_id"),
    ({"message_id": "x"}, "status"),
    ({"message_id": "x", "status": "GONE"}, "status"),
    ({"message_id": "x", "status": "DELIVRD", "err": "12;3"}, "err"),
    ({"message_id": "x", "status": "DELIVRD", "done_date": "yesterday"}, "done_date"),
    ({"message_id": "x" * 66, "status": "DELIVRD"}, "message_id"),
])
def test_bad_receipts_are_refused_naming_the_field(client, db, carrier_settings, fields, field):
    response = dlr(client, **fields)

    assert response.status_code == 400
    assert list(response.json()["error"][0]) == [field]
    assert EarlyReceipt.objects.count() == 0


def test_the_token_is_required(client, db, carrier_settings):
    response = client.post("/inbound/dlr", {"message_id": "x", "status": "DELIVRD"},
                           headers={"X-Inbound-Token": "wrong"})
    assert response.status_code == 403
    assert client.put("/inbound/dlr", headers={"X-Inbound-Token": TOKEN}).status_code == 405
