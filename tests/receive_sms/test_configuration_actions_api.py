"""The configuration API with actions: Auto Reply, Forward, Trigger URL by webhook URL,
Subscribe and Unsubscribe; and the subscriber-list API."""

from __future__ import annotations

import pytest

from profiles.models import CallbackProfile
from profiles.services import profile_create
from profiles.validation import ProfileInput
from receive_sms.actions.subscribe import ListSettings
from receive_sms.models import ReceiveConfiguration
from receive_sms.services import incoming_sms_receive

from .conftest import ALICE_VMN

URL = "/v1/{sid}/receive-sms/configurations"


def create(actor, **fields):
    return actor.api().post(URL.format(sid=actor.sid), fields, format="json")


@pytest.fixture
def sms_profile(alice):
    return profile_create(account=alice.account, data=ProfileInput(
        title="Reply reports", channel="sms", http_method="POST", url="https://example.com/dlr",
    ))


def test_create_and_read_a_configuration_with_every_action(alice, alice_vmn, sms_profile):
    response = create(
        alice, number=ALICE_VMN, keyword="join", trigger_url=True, trigger_type="url",
        webhook_url="https://example.com/incoming",
        auto_reply={"text": "Welcome <source>", "delay_minutes": 5},
        forward={"numbers": "+919876543210, +919876543211", "emails": ["ops@example.com"]},
        subscribe_list="Offers", reply_callback_profile_id=sms_profile.profile_id,
    )

    assert response.status_code == 201, response.json()
    data = response.json()["data"]
    assert data["auto_reply"] == {"text": "Welcome <source>", "delay_minutes": 5}
    assert data["forward"] == {"numbers": ["+919876543210", "+919876543211"],
                               "emails": ["ops@example.com"], "template": "<source>: <message>"}
    assert data["subscribe_list"] == "Offers" and data["unsubscribe_list"] is None
    assert data["trigger_type"] == "url" and data["webhook_url"] == "https://example.com/incoming"
    managed = CallbackProfile.objects.get(profile_id=data["webhook_profile_id"])
    assert managed.managed and managed.url == "https://example.com/incoming"
    assert data["reply_callback_profile_id"] == sms_profile.profile_id

    lists = alice.api().get(f"/v1/{alice.sid}/receive-sms/lists").json()["data"]["results"]
    assert [(item["name"], item["subscribed"]) for item in lists] == [("Offers", 0)]


def test_patch_turns_actions_off_and_switching_to_callback_id_removes_the_webhook_profile(
    alice, alice_vmn, make_profile
):
    created = create(alice, number=ALICE_VMN, keyword="join", trigger_type="url",
                     webhook_url="https://example.com/incoming",
                     auto_reply={"text": "Hi"}).json()["data"]
    profile = make_profile(alice)
    url = f"{URL.format(sid=alice.sid)}/{created['id']}"

    response = alice.api().patch(url, {"auto_reply": None, "trigger_type": "callback_id",
                                       "callback_profile_id": profile.profile_id}, format="json")

    data = response.json()["data"]
    assert data["auto_reply"] is None and data["webhook_profile_id"] is None
    assert data["webhook_url"] == "" and data["callback_profile_id"] == profile.profile_id
    assert not CallbackProfile.objects.filter(managed=True).exists()


@pytest.mark.parametrize(("fields", "message"), [
    ({"auto_reply": {"text": ""}, "trigger_url": False}, "body/auto_reply/text must NOT be empty"),
    ({"auto_reply": {"text": "x", "delay_minutes": -1}, "trigger_url": False},
     "body/auto_reply/delay_minutes must be between 0 and 10080 (7 days)"),
    ({"auto_reply": "yes", "trigger_url": False}, "body/auto_reply must be object"),
    ({"forward": {}, "trigger_url": False},
     "body/forward needs at least one number or email address"),
    ({"forward": {"numbers": ["12ab"]}, "trigger_url": False},
     "body/forward/numbers must be E.164 numbers: '12ab' is not a valid phone number"),
    ({"forward": {"emails": ["not-mail"]}, "trigger_url": False},
     "body/forward/emails 'not-mail' is not a valid email address"),
    ({"trigger_type": "url"}, "body/webhook_url is required when the trigger type is URL"),
    ({"trigger_type": "url", "webhook_url": "ftp://example.com"},
     "body/webhook_url must start with http:// or https://"),
    ({"subscribe_list": "bad/name", "trigger_url": False},
     "body/subscribe_list must be 1 to 50 letters, digits, spaces, hyphens or underscores"),
    ({"subscribe_list": "A", "unsubscribe_list": "a", "trigger_url": False},
     "body/unsubscribe_list must NOT be the list the sender subscribes to"),
])
def test_bad_actions_get_a_clear_error(alice, alice_vmn, fields, message):
    response = create(alice, number=ALICE_VMN, keyword="join", **fields)

    assert response.status_code == 400
    assert response.json()["message"] == message
    assert not ReceiveConfiguration.objects.exists()


def test_reply_profile_must_be_an_sms_profile_of_the_account(
    alice, charlie, alice_vmn, make_profile
):
    default_profile = make_profile(alice)
    strangers = make_profile(charlie)

    wrong_channel = create(alice, number=ALICE_VMN, trigger_url=False,
                           reply_callback_profile_id=default_profile.profile_id)
    foreign = create(alice, number=ALICE_VMN, trigger_url=False,
                     reply_callback_profile_id=strangers.profile_id)

    assert wrong_channel.status_code == 400
    assert "must be a profile of the SMS channel" in wrong_channel.json()["message"]
    assert foreign.status_code == 404


def test_subscriber_list_api_lists_members_and_hides_other_accounts(
    alice, charlie, alice_vmn, make_configuration
):
    make_configuration(alice, alice_vmn, keyword="JOIN", trigger_url=False,
                       actions={"subscribe": ListSettings("Offers")})
    make_configuration(alice, alice_vmn, keyword="LEAVE", trigger_url=False,
                       actions={"unsubscribe": ListSettings("Offers")})
    incoming_sms_receive(to=ALICE_VMN, source="+919812345678", message="JOIN")
    incoming_sms_receive(to=ALICE_VMN, source="+919812345679", message="join")
    incoming_sms_receive(to=ALICE_VMN, source="+919812345679", message="leave now")

    lists = alice.api().get(f"/v1/{alice.sid}/receive-sms/lists").json()["data"]
    (offers,) = lists["results"]
    assert (offers["name"], offers["subscribed"], offers["unsubscribed"]) == ("Offers", 1, 1)
    members_url = f"/v1/{alice.sid}/receive-sms/lists/{offers['id']}/members"
    rows = alice.api().get(members_url).json()["data"]["results"]
    assert {(m["number"], m["status"], m["source_keyword"]) for m in rows} == {
        ("+919812345678", "subscribed", "JOIN"), ("+919812345679", "unsubscribed", "JOIN"),
    }
    rows = alice.api().get(members_url, {"status": "subscribed"}).json()["data"]["results"]
    assert [m["number"] for m in rows] == ["+919812345678"]
    bad = alice.api().get(members_url, {"status": "gone"}).json()
    assert bad["message"] == "query/status must be one of: subscribed, unsubscribed"

    stranger = charlie.api().get(f"/v1/{charlie.sid}/receive-sms/lists/{offers['id']}/members")
    assert stranger.status_code == 404
