"""End to end: a configuration's actions (Subscribe, Auto Reply, Forward, Trigger URL by
webhook URL) with the real SMS send service, the carrier simulator, Django's mail outbox and a
real receiver on 127.0.0.1."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from pytest_httpserver import HTTPServer

from profiles.models import CallbackProfile
from profiles.services import profile_create
from profiles.validation import ProfileInput
from receive_sms.actions.auto_reply import AutoReplySettings
from receive_sms.actions.forward import ForwardSettings
from receive_sms.actions.subscribe import ListSettings
from receive_sms.models import IncomingMessage, Subscriber
from receive_sms.services import configuration_delete, incoming_sms_receive
from sms.models import Message, MessageStatus
from sms.opt_outs import opt_out_record
from sms.recipients import price_for

from .conftest import ALICE_VMN

SENDER = "+919812345678"


@pytest.fixture(autouse=True)
def _settle_at_once(settings_private_ok):
    settings_private_ok.SMS_DLR_DELAY_SECONDS = 0


@pytest.fixture
def dlr_profile(alice, httpserver: HTTPServer):
    httpserver.expect_request("/dlr", method="POST").respond_with_data("ok")
    return profile_create(account=alice.account, data=ProfileInput(
        title="Reply reports", channel="sms", http_method="POST", url=httpserver.url_for("/dlr"),
        body={"id": "<message_id>", "status": "<status>", "to": "<recipient>"},
    ))


def receive(capture, run_tasks, message: str, source: str = SENDER) -> IncomingMessage:
    with capture(execute=True):
        incoming = incoming_sms_receive(to=ALICE_VMN, source=source, message=message)
    run_tasks()
    incoming.refresh_from_db()
    return incoming


def test_join_subscribes_the_sender_and_the_auto_reply_is_priced_logged_and_reported(
    client, alice, alice_vmn, make_configuration, dlr_profile, httpserver, run_tasks,
    django_capture_on_commit_callbacks,
):
    make_configuration(
        alice, alice_vmn, keyword="JOIN", trigger_url=False, actions={
            "subscribe": ListSettings("Offers"),
            "auto_reply": AutoReplySettings("Hi <source>, you joined <parts[2]> with <keyword>."),
        },
        reply_callback_profile=dlr_profile,
    )

    incoming = receive(django_capture_on_commit_callbacks, run_tasks, "join weekly deals")

    subscriber = Subscriber.objects.get()
    assert (subscriber.subscriber_list.name, subscriber.number) == ("Offers", SENDER)
    assert subscriber.is_subscribed and subscriber.source_keyword == "JOIN"
    reply = Message.objects.get()
    assert reply.recipient == SENDER and reply.sender == ALICE_VMN
    assert reply.body == f"Hi {SENDER}, you joined weekly with JOIN."
    assert reply.source == "Auto Reply" and reply.units == 1
    assert reply.price == price_for("IN", 1) and reply.price > Decimal(0)
    assert reply.status == MessageStatus.DELIVERED
    dlr = json.loads(httpserver.log[0][0].get_data())
    assert dlr == {"id": reply.message_id, "status": "Delivered", "to": SENDER.lstrip("+")}
    assert [a["action"] for a in incoming.actions] == ["subscribe", "auto_reply"]
    assert all(a["ok"] for a in incoming.actions)

    client.force_login(alice.user)
    page = client.get("/sms/logs/").content.decode()
    assert reply.message_id in page


def test_forward_reaches_the_number_as_sms_and_the_address_as_email(
    alice, alice_vmn, make_configuration, run_tasks, django_capture_on_commit_callbacks,
    mailoutbox,
):
    make_configuration(
        alice, alice_vmn, keyword="", trigger_url=False, actions={"forward": ForwardSettings(
            numbers=["+91 98765 43210"], emails=["ops@example.com"])},
    )

    incoming = receive(django_capture_on_commit_callbacks, run_tasks, "my order is late")

    forwarded = Message.objects.get()
    assert forwarded.recipient == "+919876543210" and forwarded.source == "Forward"
    assert forwarded.body == f"{SENDER}: my order is late"
    assert forwarded.status == MessageStatus.DELIVERED
    (email,) = mailoutbox
    assert email.to == ["ops@example.com"]
    assert email.subject == f"SMS from {SENDER} to {ALICE_VMN}"
    assert email.body == f"{SENDER}: my order is late"
    assert [a["action"] for a in incoming.actions] == ["forward_sms", "forward_email"]


def test_a_refused_forward_does_not_stop_the_other_actions(
    alice, alice_vmn, make_configuration, run_tasks, django_capture_on_commit_callbacks,
    mailoutbox,
):
    opt_out_record(account=alice.account, number="+919876543210")
    make_configuration(
        alice, alice_vmn, keyword="", trigger_url=False, actions={
            "forward": ForwardSettings(numbers=["+919876543210"], emails=["ops@example.com"]),
            "auto_reply": AutoReplySettings("Got it"),
        },
    )

    incoming = receive(django_capture_on_commit_callbacks, run_tasks, "hello")

    outcomes = {a["action"]: a for a in incoming.actions}
    assert outcomes["auto_reply"]["ok"] is True
    assert outcomes["forward_sms"]["ok"] is False
    assert "+919876543210 has opted out" in outcomes["forward_sms"]["detail"]
    assert len(mailoutbox) == 1
    assert list(Message.objects.values_list("body", flat=True)) == ["Got it"]


def test_a_delayed_auto_reply_is_sent_by_a_scheduled_task(
    alice, alice_vmn, make_configuration, run_tasks, django_capture_on_commit_callbacks,
):
    make_configuration(alice, alice_vmn, keyword="LATER", trigger_url=False, actions={
        "auto_reply": AutoReplySettings("Later, <source>", delay_minutes=30)})

    with django_capture_on_commit_callbacks(execute=True):
        incoming = incoming_sms_receive(to=ALICE_VMN, source=SENDER, message="later")
    run_tasks(include_future=False)  # not due yet
    assert not Message.objects.exists()
    assert "scheduled" in incoming.actions[0]["detail"]

    run_tasks()

    assert Message.objects.get().body == f"Later, {SENDER}"
    incoming.refresh_from_db()
    assert [a["action"] for a in incoming.actions] == ["auto_reply", "auto_reply"]
    assert incoming.actions[-1]["ok"] is True


def test_trigger_url_with_a_webhook_url_sends_the_standard_signed_post(
    alice, alice_vmn, make_configuration, httpserver: HTTPServer, run_tasks,
    django_capture_on_commit_callbacks,
):
    httpserver.expect_request("/webhook", method="POST").respond_with_data("ok")
    configuration = make_configuration(
        alice, alice_vmn, keyword="INFO", trigger_url=True, trigger_type="url",
        webhook_url=httpserver.url_for("/webhook"),
    )
    profile = configuration.webhook_profile
    assert profile.managed and profile.http_method == "POST" and profile.body is None

    incoming = receive(django_capture_on_commit_callbacks, run_tasks, "info please")

    request = httpserver.log[0][0]
    body = json.loads(request.get_data())
    assert body["message"] == "info please" and body["keyword"] == "INFO"
    assert body["source"] == SENDER and body["parts[2]"] == "please"
    assert request.headers["webhook-signature"].startswith("v1,")
    assert incoming.callback_delivery.profile == profile

    # The managed profile is not in the profile list and cannot be edited there.
    listed = alice.api().get(f"/v1/{alice.sid}/callback/profiles").json()["data"]
    assert profile.profile_id not in json.dumps(listed)
    response = alice.api().patch(f"/v1/{alice.sid}/callback/profiles/{profile.profile_id}",
                                 {"title": "Mine now"}, format="json")
    assert response.status_code == 400
    assert "managed by a Receive Message configuration" in response.json()["message"]

    configuration_delete(configuration=configuration)
    assert not CallbackProfile.objects.filter(pk=profile.pk).exists()
