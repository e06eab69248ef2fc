"""End to end: an SMS arrives on a VMN → its configuration's profile calls a real receiver."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from pytest_httpserver import HTTPServer

from delivery.models import Delivery, DeliveryStatus
from profiles.models import ProfileStatus
from receive_sms.actions.subscribe import ListSettings
from receive_sms.models import IncomingMessage
from receive_sms.services import incoming_sms_receive

from .conftest import ALICE_VMN

pytestmark = pytest.mark.usefixtures("settings_private_ok")

SEED_BODY = {
    "source": "<source>", "recipient": "<recipient>", "description": "<description>",
    "status": "<status>", "status_trace": "<status_trace>", "id": "<id>", "kid": "<kid>",
    "message": "<message>", "keyword": "<keyword>", "operator": "<operator>",
    "circle": "<circle>", "timestamp": "<timestamp>", "parts[n]": "<parts[n]>",
    "first": "<parts[1]>", "second": "<parts[2]>", "third": "<parts[3]>",
}


def receive(capture, run_tasks, message: str, **fields) -> IncomingMessage:
    with capture(execute=True):
        incoming = incoming_sms_receive(
            to=fields.pop("to", ALICE_VMN), source=fields.pop("source", "+919812345678"),
            message=message, **fields,
        )
    run_tasks()
    incoming.refresh_from_db()
    return incoming


def test_stop_message_reaches_a_post_receiver_with_every_seed_variable(
    alice, alice_vmn, make_profile, make_configuration, httpserver: HTTPServer, run_tasks,
    django_capture_on_commit_callbacks,
):
    httpserver.expect_request("/incoming", method="POST").respond_with_data("ok")
    profile = make_profile(alice, url=httpserver.url_for("/incoming"), body=SEED_BODY)
    configuration = make_configuration(alice, alice_vmn, profile, keyword="STOP")

    incoming = receive(django_capture_on_commit_callbacks, run_tasks, "STOP testing message",
                       operator="JIO", circle="JIO ASSAM")

    body = json.loads(httpserver.log[0][0].get_data())
    assert body["message"] == "STOP testing message"
    assert body["keyword"] == "STOP"
    assert (body["first"], body["second"], body["third"]) == ("STOP", "testing", "message")
    assert body["parts[n]"] == "STOP"
    assert body["source"] == "+919812345678" and body["recipient"] == ALICE_VMN
    assert body["description"] == "Message has been sent"
    assert body["status"] == body["status_trace"] == "SENT"
    assert body["id"] == str(incoming.public_id) and body["kid"] == str(incoming.kid)
    assert (body["operator"], body["circle"]) == ("JIO", "JIO ASSAM")
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", body["timestamp"])
    assert incoming.matched and incoming.configuration == configuration
    assert incoming.callback_delivery.status == DeliveryStatus.SUCCEEDED
    assert incoming.callback_delivery.event == "SMS-incoming"
    assert incoming.callback_delivery.source_type == "incoming_sms"
    assert incoming.callback_delivery.source_id == str(incoming.public_id)


def test_post_with_empty_body_sends_all_variables_including_parts(
    alice, alice_vmn, make_profile, make_configuration, httpserver: HTTPServer, run_tasks,
    django_capture_on_commit_callbacks,
):
    httpserver.expect_request("/incoming", method="POST").respond_with_data("ok")
    profile = make_profile(alice, url=httpserver.url_for("/incoming"))
    make_configuration(alice, alice_vmn, profile, keyword="")

    receive(django_capture_on_commit_callbacks, run_tasks, "hello there")

    body = json.loads(httpserver.log[0][0].get_data())
    assert body["message"] == "hello there"
    assert body["keyword"] == ""
    assert body["parts[1]"] == "hello" and body["parts[2]"] == "there"


def test_get_receiver_gets_the_keyword_and_never_the_message_text(
    alice, alice_vmn, make_profile, make_configuration, httpserver: HTTPServer, run_tasks,
    django_capture_on_commit_callbacks,
):
    httpserver.expect_request("/incoming", method="GET").respond_with_data("ok")
    url = (httpserver.url_for("/incoming") + "?source=<source>&recipient=<recipient>"
           "&message=<message>&keyword=<keyword>&p1=<parts[1]>&p2=<parts[2]>&id=<id>")
    profile = make_profile(alice, url=url, http_method="GET")
    make_configuration(alice, alice_vmn, profile, keyword="STOP")

    receive(django_capture_on_commit_callbacks, run_tasks, "stop secretword message")

    request = httpserver.log[0][0]
    query = parse_qs(urlsplit(request.url).query, keep_blank_values=True)
    assert query["keyword"] == ["STOP"]
    assert query["message"] == ["STOP"]
    assert query["p1"] == ["STOP"] and query["p2"] == [""]
    assert query["source"] == ["+919812345678"] and query["recipient"] == [ALICE_VMN]
    assert "secretword" not in request.url


def test_unmatched_message_is_logged_and_fires_nothing(
    alice, alice_vmn, make_profile, make_configuration, httpserver: HTTPServer, run_tasks,
    django_capture_on_commit_callbacks,
):
    profile = make_profile(alice, url=httpserver.url_for("/incoming"))
    make_configuration(alice, alice_vmn, profile, keyword="STOP")

    incoming = receive(django_capture_on_commit_callbacks, run_tasks, "JOIN the club")

    assert incoming.matched is False
    assert incoming.configuration is None and incoming.callback_delivery is None
    assert incoming.message == "JOIN the club"
    assert incoming.note == "No configuration matched"
    assert Delivery.objects.count() == 0
    assert httpserver.log == []


def test_trigger_url_off_matches_but_fires_nothing(
    alice, alice_vmn, make_profile, make_configuration, httpserver: HTTPServer, run_tasks,
    django_capture_on_commit_callbacks,
):
    profile = make_profile(alice, url=httpserver.url_for("/incoming"))
    make_configuration(alice, alice_vmn, profile, keyword="STOP", trigger_url=False,
                       actions={"subscribe": ListSettings("Offers")})

    incoming = receive(django_capture_on_commit_callbacks, run_tasks, "STOP")

    assert incoming.matched is True and incoming.callback_delivery is None
    assert incoming.note == "Trigger URL is off"
    assert httpserver.log == []


def test_disabled_profile_records_a_skipped_delivery(
    alice, alice_vmn, make_profile, make_configuration, httpserver: HTTPServer, run_tasks,
    django_capture_on_commit_callbacks,
):
    profile = make_profile(alice, url=httpserver.url_for("/incoming"))
    profile.status = ProfileStatus.DISABLED
    profile.save()
    make_configuration(alice, alice_vmn, profile, keyword="")

    incoming = receive(django_capture_on_commit_callbacks, run_tasks, "hi")

    assert incoming.callback_delivery.status == DeliveryStatus.SKIPPED
    assert httpserver.log == []


def test_a_failing_receiver_shows_as_failed_attempt_not_an_error(
    alice, alice_vmn, make_profile, make_configuration, httpserver: HTTPServer, run_tasks,
    django_capture_on_commit_callbacks,
):
    httpserver.expect_request("/incoming", method="POST").respond_with_data("no", status=500)
    profile = make_profile(alice, url=httpserver.url_for("/incoming"))
    make_configuration(alice, alice_vmn, profile, keyword="")

    incoming = receive(django_capture_on_commit_callbacks, run_tasks, "hi")

    delivery = incoming.callback_delivery
    assert delivery.attempt_count == 1 and delivery.last_status_code == 500
    assert delivery.status in (DeliveryStatus.PENDING, DeliveryStatus.FAILED)
