"""Contract 5: the carrier posts incoming SMS to POST /inbound/sms with X-Inbound-Token."""

from __future__ import annotations

import json

import pytest
from pytest_httpserver import HTTPServer

from delivery.models import Delivery
from receive_sms.models import IncomingMessage

from .conftest import ALICE_VMN

TOKEN = "carrier-secret-token"
FORM = {"to": ALICE_VMN, "from": "+919812345678", "message": "STOP testing message",
        "operator": "Airtel", "circle": "Airtel Karnataka"}


@pytest.fixture(autouse=True)
def inbound_token(settings):
    settings.INBOUND_SMS_TOKEN = TOKEN
    settings.CALLBACK_ALLOW_PRIVATE_NETWORKS = True


def post(client, data=None, token=TOKEN):
    headers = {"X-Inbound-Token": token} if token is not None else {}
    return client.post("/inbound/sms", data if data is not None else FORM, headers=headers)


@pytest.mark.parametrize("token", [None, "", "wrong-token", TOKEN + "x"])
def test_a_bad_token_gets_403_and_stores_nothing(client, alice, alice_vmn, token):
    response = post(client, token=token)

    assert response.status_code == 403
    assert response.json()["status"] == 403
    assert IncomingMessage.objects.count() == 0


def test_an_empty_token_setting_refuses_everything(client, settings, alice, alice_vmn):
    settings.INBOUND_SMS_TOKEN = ""

    assert post(client, token="").status_code == 403
    assert IncomingMessage.objects.count() == 0


def test_a_good_request_is_logged_and_fires_the_callback(
    client, alice, alice_vmn, make_profile, make_configuration, httpserver: HTTPServer,
    run_tasks, django_capture_on_commit_callbacks,
):
    httpserver.expect_request("/in", method="POST").respond_with_data("ok")
    profile = make_profile(alice, url=httpserver.url_for("/in"),
                           body={"text": "<message>", "kw": "<keyword>", "op": "<operator>"})
    make_configuration(alice, alice_vmn, profile, keyword="stop")

    with django_capture_on_commit_callbacks(execute=True):
        response = post(client)
    run_tasks()

    assert response.status_code == 200
    data = response.json()["data"]
    incoming = IncomingMessage.objects.get()
    assert data == {"id": str(incoming.public_id), "matched": True, "duplicate": False}
    assert (incoming.recipient, incoming.source) == (ALICE_VMN, "+919812345678")
    assert (incoming.operator, incoming.circle) == ("Airtel", "Airtel Karnataka")
    assert json.loads(httpserver.log[0][0].get_data()) == {
        "text": "STOP testing message", "kw": "STOP", "op": "Airtel",
    }


def test_the_carrier_may_send_the_number_without_plus(client, alice, alice_vmn):
    response = post(client, {**FORM, "to": ALICE_VMN.lstrip("+")})

    assert response.status_code == 200
    assert response.json()["data"]["matched"] is False
    assert IncomingMessage.objects.get().vmn == alice_vmn


def test_an_unknown_number_is_404_and_stores_nothing(client, alice, alice_vmn):
    response = post(client, {**FORM, "to": "+14155552671"})

    assert response.status_code == 404
    assert response.json()["message"] == "No number exists with this value"
    assert IncomingMessage.objects.count() == 0


@pytest.mark.parametrize("missing", ["to", "from", "message"])
def test_a_missing_field_is_400(client, alice, alice_vmn, missing):
    data = {k: v for k, v in FORM.items() if k != missing}

    response = post(client, data)

    assert response.status_code == 400
    assert response.json()["message"] == f"body must have required property '{missing}'"
    assert IncomingMessage.objects.count() == 0


def test_a_malformed_number_or_huge_message_is_400(client, alice, alice_vmn):
    assert post(client, {**FORM, "to": "not-a-number"}).status_code == 400
    response = post(client, {**FORM, "message": "x" * 2001})
    assert response.status_code == 400
    assert "2000" in response.json()["message"]
    assert IncomingMessage.objects.count() == 0
    assert Delivery.objects.count() == 0


def test_only_post_and_kannels_get_are_allowed(client, alice, alice_vmn):
    assert client.put("/inbound/sms", headers={"X-Inbound-Token": TOKEN}).status_code == 405
    assert client.delete("/inbound/sms", headers={"X-Inbound-Token": TOKEN}).status_code == 405


def test_kannel_get_url_with_the_token_in_the_query(client, alice, alice_vmn):
    """Kannel's sms-service get-url: GET, the fields and the token in the query."""
    query = {"to": FORM["to"], "from": FORM["from"], "message": "hello kannel", "token": TOKEN}
    assert client.get("/inbound/sms", {**query, "token": "wrong"}).status_code == 403
    response = client.get("/inbound/sms", query)
    assert response.status_code == 200, response.content
    assert IncomingMessage.objects.get().message == "hello kannel"
