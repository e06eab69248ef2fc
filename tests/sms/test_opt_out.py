"""Opt-out after Twilio's Advanced Opt-Out: STOP opts a sender out of the account's SMS, START
opts it back in, HELP answers; the SMS send API refuses opted-out recipients."""

from __future__ import annotations

import json

import pytest
from pytest_httpserver import HTTPServer

from profiles.services import profile_create
from profiles.validation import ProfileInput
from receive_sms.actions.auto_reply import AutoReplySettings
from receive_sms.services import (
    ConfigurationInput,
    configuration_create,
    incoming_sms_receive,
    vmn_provision,
)
from sms.models import Message, OptOut
from sms.opt_outs import DEFAULT_HELP_REPLY, DEFAULT_OPT_OUT_REPLY, opt_out_settings_update

VMN = "+919870012345"
SENDER = "+919812345678"
OTHER = "+919876543210"


@pytest.fixture
def vmn(alice, sms_settings):
    return vmn_provision(account=alice.account, number=VMN)


def text_in(message: str, capture, source: str = SENDER):
    with capture(execute=True):
        return incoming_sms_receive(to=VMN, source=source, message=message)


def send(actor, capture, **data):
    with capture(execute=True):
        return actor.api().post(f"/v1/{actor.sid}/messages", data, format="json")


def test_stop_opts_out_and_the_api_refuses_then_start_lets_it_through(
    alice, vmn, django_capture_on_commit_callbacks, run_tasks
):
    capture = django_capture_on_commit_callbacks
    incoming = text_in("stop", capture)
    run_tasks()

    assert OptOut.objects.get().number == SENDER
    confirmation = Message.objects.get(recipient=SENDER)
    assert confirmation.body == DEFAULT_OPT_OUT_REPLY and confirmation.sender == VMN
    assert [a["action"] for a in incoming.actions] == ["opt_out", "opt_out_reply"]

    response = send(alice, capture, to=SENDER, body="Big sale!")
    assert response.status_code == 400
    assert response.json()["code"] == "RBC302"
    assert response.json()["message"] == (
        f"body/to {SENDER} has opted out of this account's messages (it texted STOP); it can "
        "opt back in by texting START"
    )

    # Several recipients: all-or-nothing, and the error names the opted-out one.
    response = send(alice, capture, to=f"{OTHER},{SENDER}", body="Big sale!")
    assert response.status_code == 400
    assert SENDER in response.json()["message"] and OTHER not in response.json()["message"]
    assert not Message.objects.filter(body="Big sale!").exists()

    text_in("START", capture)
    assert send(alice, capture, to=SENDER, body="Welcome back").status_code == 202
    assert Message.objects.filter(recipient=SENDER, body__startswith="You are subscribed").exists()


def test_a_refused_request_counts_nothing_and_names_every_reason(
    alice, vmn, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    text_in("STOP", capture)
    confirmation = Message.objects.get(recipient=SENDER)

    response = send(alice, capture, to=f"{OTHER},{SENDER}", body="Big sale!", sender="no way!")
    assert response.status_code == 400
    assert [list(e) for e in response.json()["error"]] == [["sender"], ["to"]]
    assert send(alice, capture, to=f"{OTHER},{SENDER}", body="Big sale!").status_code == 400

    # The day's `total` counts only what was accepted.
    assert send(alice, capture, to=OTHER, body="Hello").status_code == 202
    hello = Message.objects.get(body="Hello")
    assert hello.total == confirmation.total + hello.units


def test_otp_messages_still_reach_an_opted_out_number(alice, vmn, django_capture_on_commit_callbacks):
    text_in("QUIT", django_capture_on_commit_callbacks)
    response = send(alice, django_capture_on_commit_callbacks, to=SENDER, body="Code 1234",
                    type="OTP")
    assert response.status_code == 202


@pytest.mark.parametrize("word", ["STOP", "stopall", "Unsubscribe me", "CANCEL", "end", "Quit"])
def test_every_opt_out_keyword_counts_as_the_first_word(
    alice, vmn, word, django_capture_on_commit_callbacks
):
    text_in(word, django_capture_on_commit_callbacks)
    assert OptOut.objects.get().is_opted_out


def test_a_word_later_in_the_message_does_not_opt_out(alice, vmn, django_capture_on_commit_callbacks):
    text_in("please do not stop", django_capture_on_commit_callbacks)
    assert not OptOut.objects.exists()


def test_help_answers_with_the_configured_text_and_confirmations_are_configurable(
    alice, vmn, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    text_in("HELP", capture)
    assert Message.objects.get().body == DEFAULT_HELP_REPLY

    opt_out_settings_update(account=alice.account, opt_out_reply="Bye from Alice Co.",
                            opt_in_reply="Hello again.", help_reply="Call 1800 000 000.")
    text_in("help me", capture)
    text_in("STOP", capture)
    text_in("UNSTOP", capture)
    bodies = list(Message.objects.order_by("id").values_list("body", flat=True))
    assert bodies[1:] == ["Call 1800 000 000.", "Bye from Alice Co.", "Hello again."]


def test_a_stop_configuration_still_fires_its_callback_and_records_the_opt_out(
    alice, vmn, httpserver: HTTPServer, run_tasks, django_capture_on_commit_callbacks
):
    httpserver.expect_request("/incoming", method="POST").respond_with_data("ok")
    profile = profile_create(account=alice.account, data=ProfileInput(
        title="Incoming hook", channel="default", http_method="POST",
        url=httpserver.url_for("/incoming"),
    ))
    configuration_create(account=alice.account, data=ConfigurationInput(
        vmn=vmn, keyword="STOP", callback_profile=profile,
        actions={"auto_reply": AutoReplySettings("Sorry to see you go, <source>.")},
    ))

    incoming = text_in("STOP testing message", django_capture_on_commit_callbacks)
    run_tasks()

    assert json.loads(httpserver.log[0][0].get_data())["keyword"] == "STOP"
    assert OptOut.objects.get().is_opted_out
    # The configuration's Auto Reply is the confirmation (one answer, not two).
    assert list(Message.objects.values_list("body", flat=True)) == [
        f"Sorry to see you go, {SENDER}."
    ]
    assert incoming.matched and incoming.callback_delivery is not None


def test_opt_out_is_per_account(alice, charlie, vmn, django_capture_on_commit_callbacks):
    text_in("STOP", django_capture_on_commit_callbacks)
    assert send(charlie, django_capture_on_commit_callbacks, to=SENDER,
                body="Hi").status_code == 202


def test_opt_out_api_lists_numbers_and_updates_the_replies(
    alice, charlie, vmn, django_capture_on_commit_callbacks
):
    text_in("STOP", django_capture_on_commit_callbacks)
    text_in("END", django_capture_on_commit_callbacks, source=OTHER)
    text_in("START", django_capture_on_commit_callbacks, source=OTHER)

    listed = alice.api().get(f"/v1/{alice.sid}/opt-outs").json()["data"]["results"]
    everyone = alice.api().get(f"/v1/{alice.sid}/opt-outs",
                               {"include_opted_in": "true"}).json()["data"]["results"]
    assert [(o["number"], o["keyword"], o["via"]) for o in listed] == [(SENDER, "STOP", VMN)]
    assert {o["number"]: o["opt_in_keyword"] for o in everyone} == {SENDER: "", OTHER: "START"}
    assert charlie.api().get(f"/v1/{charlie.sid}/opt-outs").json()["data"]["results"] == []

    settings_url = f"/v1/{alice.sid}/opt-outs/settings"
    assert alice.api().get(settings_url).json()["data"]["help_reply"] == DEFAULT_HELP_REPLY
    patched = alice.api().patch(settings_url, {"help_reply": "Call us."}, format="json")
    assert patched.json()["data"]["help_reply"] == "Call us."
    assert patched.json()["data"]["opt_out_reply"] == DEFAULT_OPT_OUT_REPLY
    too_long = alice.api().patch(settings_url, {"help_reply": "x" * 321}, format="json")
    assert too_long.status_code == 400
    assert too_long.json()["message"] == "body/help_reply must NOT have more than 320 characters"
    # The published maxLength counts the text as sent, whitespace included.
    padded = alice.api().patch(settings_url, {"opt_out_reply": " " * 5 + "x" * 320}, format="json")
    assert padded.status_code == 400
    assert padded.json()["message"] == "body/opt_out_reply must NOT have more than 320 characters"


def test_incoming_messages_api_shows_what_the_keyword_did(
    alice, vmn, django_capture_on_commit_callbacks
):
    text_in("HELP", django_capture_on_commit_callbacks)

    (incoming,) = alice.api().get(f"/v1/{alice.sid}/receive-sms/messages").json()["data"][
        "results"]
    assert [a["action"] for a in incoming["actions"]] == ["help_reply"]
    assert incoming["actions"][0]["ok"] is True


def test_send_test_sms_page_names_the_opted_out_number(
    client, alice, vmn, django_capture_on_commit_callbacks
):
    text_in("STOP", django_capture_on_commit_callbacks)
    client.force_login(alice.user)

    response = client.post("/sms/send/", {"to": SENDER, "body": "Hello", "type": "TXN",
                                          "sender": "KLRHXA"})

    assert response.status_code == 200
    assert f"{SENDER} has opted out of this account&#x27;s messages" in response.content.decode()
    assert not Message.objects.filter(body="Hello").exists()
