"""Contract 4: /v1/<sid>/receive-sms/configurations, in the profiles API's envelope."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from receive_sms.actions.subscribe import ListSettings
from receive_sms.models import ReceiveConfiguration

from .conftest import ALICE_VMN, CHARLIE_VMN


@pytest.fixture
def alice_profile(alice, make_profile):
    return make_profile(alice)


def create(actor, **fields):
    return actor.api().post(f"/v1/{actor.sid}/receive-sms/configurations", fields, format="json")


def test_create_list_get_patch_delete(alice, alice_vmn, alice_profile):
    response = create(alice, number=ALICE_VMN, keyword="stop", trigger_url=True,
                      trigger_type="callback_id", callback_profile_id=alice_profile.profile_id)

    assert response.status_code == 201
    body = response.json()
    assert (body["code"], body["message"], body["status"]) == (
        "RBC024", "Configuration created successfully", 201)
    data = body["data"]
    assert data["number"] == ALICE_VMN and data["keyword"] == "STOP"
    assert data["trigger_url"] is True and data["trigger_type"] == "callback_id"
    assert data["callback_profile_id"] == alice_profile.profile_id
    assert data["active"] is True and data["expires_at"] is None
    url = f"/v1/{alice.sid}/receive-sms/configurations/{data['id']}"

    listing = alice.api().get(f"/v1/{alice.sid}/receive-sms/configurations").json()["data"]
    assert listing["count"] == 1 and listing["results"][0]["id"] == data["id"]
    assert alice.api().get(url).json()["data"] == data

    expires = (timezone.now() + timedelta(days=2)).replace(microsecond=0)
    patched = alice.api().patch(url, {"active": False, "expires_at": expires.isoformat()},
                                format="json")
    assert patched.status_code == 200
    assert patched.json()["data"]["active"] is False
    assert patched.json()["data"]["keyword"] == "STOP"

    deleted = alice.api().delete(url)
    assert deleted.status_code == 200 and deleted.json()["data"] == {"id": data["id"]}
    assert alice.api().get(url).status_code == 404


def test_a_default_configuration_without_trigger_needs_no_profile(alice, alice_vmn):
    response = create(alice, number=ALICE_VMN, trigger_url=False, subscribe_list="Offers")

    assert response.status_code == 201
    assert response.json()["data"]["keyword"] == ""
    assert response.json()["data"]["callback_profile_id"] is None


def test_a_configuration_with_no_action_is_refused(alice, alice_vmn):
    response = create(alice, number=ALICE_VMN, keyword="promotwo", trigger_url=False)

    assert response.status_code == 400
    assert response.json()["message"] == (
        "body must turn on at least one action: Subscribe, Unsubscribe, Auto Reply, Forward or "
        "Trigger URL")
    assert not ReceiveConfiguration.objects.exists()


def test_turning_the_last_action_off_is_refused(alice, alice_vmn):
    url = f"/v1/{alice.sid}/receive-sms/configurations/" + create(
        alice, number=ALICE_VMN, keyword="JOIN", trigger_url=False,
        subscribe_list="Offers").json()["data"]["id"]

    response = alice.api().patch(url, {"subscribe_list": None}, format="json")

    assert response.status_code == 400
    assert "at least one action" in response.json()["message"]
    assert alice.api().get(url).json()["data"]["subscribe_list"] == "Offers"


@pytest.mark.parametrize(("fields", "message"), [
    ({}, "body must have required property 'number'"),
    ({"number": ALICE_VMN}, "body/callback_profile_id is required when Trigger URL is on"),
    ({"number": ALICE_VMN, "trigger_url": False, "subscribe_list": "Offers", "keyword": "two words"},
     "body/keyword must be a single word (no spaces)"),
    ({"number": ALICE_VMN, "trigger_url": False, "subscribe_list": "Offers", "keyword": "K" * 31},
     "body/keyword must NOT have more than 30 characters"),
    ({"number": ALICE_VMN, "trigger_url": False, "subscribe_list": "Offers", "trigger_type": "forward"},
     "body/trigger_type must be one of: callback_id, url"),
    ({"number": ALICE_VMN, "trigger_url": "maybe"}, "body/trigger_url must be boolean"),
    ({"number": ALICE_VMN, "trigger_url": False, "subscribe_list": "Offers", "expires_at": "soon"},
     "body/expires_at must be an ISO 8601 date-time"),
    ({"number": ALICE_VMN, "trigger_url": False, "subscribe_list": "Offers", "expires_at": "2030-01-01T00:00:00Z"},
     "body/expires_at is only allowed on a keyword configuration"),
    ({"number": ALICE_VMN, "trigger_url": False, "subscribe_list": "Offers", "keyword": "OLD",
      "expires_at": "2001-01-01T00:00:00Z"}, "body/expires_at must be in the future"),
])
def test_validation_errors_use_the_envelope(alice, alice_vmn, fields, message):
    response = create(alice, **fields)

    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["message"], body["status"]) == ("RBC302", message, 400)
    assert ReceiveConfiguration.objects.count() == 0


def test_a_second_configuration_with_the_same_keyword_is_refused(alice, alice_vmn):
    assert create(alice, number=ALICE_VMN, keyword="STOP", trigger_url=False, subscribe_list="Offers").status_code == 201
    assert create(alice, number=ALICE_VMN, trigger_url=False, subscribe_list="Offers").status_code == 201

    again = create(alice, number=ALICE_VMN, keyword="Stop", trigger_url=False, subscribe_list="Offers")
    default_again = create(alice, number=ALICE_VMN, trigger_url=False, subscribe_list="Offers")

    assert again.status_code == 400
    assert again.json()["message"] == f"body/keyword STOP already has a configuration on {ALICE_VMN}"
    assert default_again.json()["message"] == (
        f"body/keyword {ALICE_VMN} already has a default configuration (no keyword)")


def test_another_accounts_number_is_404(alice, charlie, charlie_vmn):
    response = create(alice, number=CHARLIE_VMN, trigger_url=False, subscribe_list="Offers")

    assert response.status_code == 404
    assert response.json()["message"] == "No number exists with this value"
    assert ReceiveConfiguration.objects.count() == 0


def test_another_accounts_profile_is_404(alice, charlie, alice_vmn, make_profile):
    charlies = make_profile(charlie)

    response = create(alice, number=ALICE_VMN, callback_profile_id=charlies.profile_id)

    assert response.status_code == 404
    assert response.json()["message"] == "No profile exists with this id"
    assert ReceiveConfiguration.objects.count() == 0


def test_patch_cannot_attach_another_accounts_profile_or_number(
    alice, charlie, alice_vmn, charlie_vmn, make_profile
):
    created = create(alice, number=ALICE_VMN, trigger_url=False, subscribe_list="Offers").json()["data"]
    url = f"/v1/{alice.sid}/receive-sms/configurations/{created['id']}"

    by_profile = alice.api().patch(url, {"callback_profile_id": make_profile(charlie).profile_id},
                                   format="json")
    by_number = alice.api().patch(url, {"number": CHARLIE_VMN}, format="json")

    assert by_profile.status_code == 404 and by_number.status_code == 404
    assert ReceiveConfiguration.objects.get().callback_profile is None


def test_the_stranger_gets_404_on_every_configuration_endpoint(alice, charlie, alice_vmn):
    created = create(alice, number=ALICE_VMN, trigger_url=False, subscribe_list="Offers").json()["data"]
    url = f"/v1/{charlie.sid}/receive-sms/configurations/{created['id']}"

    assert charlie.api().get(url).status_code == 404
    assert charlie.api().patch(url, {"active": False}, format="json").status_code == 404
    assert charlie.api().delete(url).status_code == 404
    listing = charlie.api().get(f"/v1/{charlie.sid}/receive-sms/configurations").json()["data"]
    assert listing["count"] == 0
    assert ReceiveConfiguration.objects.get().active is True


def test_a_malformed_id_is_404(alice):
    response = alice.api().get(f"/v1/{alice.sid}/receive-sms/configurations/not-a-uuid")

    assert response.status_code == 404
    assert response.json()["message"] == "No configuration exists with this id"


def test_a_key_of_another_account_or_no_key_is_401(alice, charlie):
    url = f"/v1/{alice.sid}/receive-sms/configurations"

    assert charlie.api().get(url).status_code == 401
    assert APIClient().get(url).status_code == 401


def test_list_filters_by_number(alice, alice_vmn, make_configuration):
    from receive_sms.services import vmn_provision

    other = vmn_provision(account=alice.account, number="+919870055555")
    make_configuration(alice, alice_vmn, keyword="A")
    make_configuration(alice, other, keyword="B")

    data = alice.api().get(f"/v1/{alice.sid}/receive-sms/configurations",
                           {"number": "55555"}).json()["data"]

    assert [r["keyword"] for r in data["results"]] == ["B"]


def test_numbers_and_messages_endpoints(alice, charlie, alice_vmn, make_configuration):
    from receive_sms.services import incoming_sms_receive

    make_configuration(alice, alice_vmn, keyword="STOP", trigger_url=False,
                       actions={"subscribe": ListSettings("Offers")})
    incoming_sms_receive(to=ALICE_VMN, source="+919812345678", message="STOP it")
    incoming_sms_receive(to=ALICE_VMN, source="+919812345678", message="hello")

    numbers = alice.api().get(f"/v1/{alice.sid}/receive-sms/numbers").json()["data"]
    messages = alice.api().get(f"/v1/{alice.sid}/receive-sms/messages",
                               {"keyword": "stop"}).json()["data"]
    bad = alice.api().get(f"/v1/{alice.sid}/receive-sms/messages", {"date_from": "yesterday"})
    strangers = charlie.api().get(f"/v1/{charlie.sid}/receive-sms/messages").json()["data"]

    assert [n["number"] for n in numbers["results"]] == [ALICE_VMN]
    assert messages["count"] == 1
    row = messages["results"][0]
    assert (row["message"], row["keyword"], row["matched"], row["callback"]) == (
        "STOP it", "STOP", True, None)
    assert bad.status_code == 400
    assert strangers["count"] == 0
