"""Every variable of every event in the catalog (`profiles/dynamic_variables.json`) gets a value
from the event's producer: a POST profile with an empty body, which sends every variable of its
event, receives each catalog name with a non-empty value on a real receiver on 127.0.0.1."""

from __future__ import annotations

import json

import pytest
from pytest_httpserver import HTTPServer

from profiles import catalog
from profiles.services import profile_create
from profiles.validation import ProfileInput
from receive_sms.services import (
    ConfigurationInput,
    configuration_create,
    incoming_sms_receive,
    vmn_provision,
)
from sms.services import message_send

pytestmark = pytest.mark.usefixtures("settings_private_ok")

PRODUCED_EVENTS = {"SMS-sent", "SMS-incoming"}


def every_variable_profile(actor, *, channel: str, url: str):
    return profile_create(account=actor.account, data=ProfileInput(
        title="Every variable", channel=channel, http_method="POST", url=url, body=None))


def received(httpserver: HTTPServer) -> dict:
    assert len(httpserver.log) == 1
    return json.loads(httpserver.log[0][0].get_data())


def missing_or_empty(event: str, body: dict) -> list[str]:
    return [name for name in catalog.event(event).variable_names
            if body.get(name) in (None, "")]


def test_every_catalog_event_has_a_producer_tested_here():
    assert {event.value for channel in catalog.channels()
            for event in catalog.variable_sets_for_channel(channel.value)} == PRODUCED_EVENTS


def test_a_delivery_report_carries_every_sms_sent_variable(
    alice, settings, httpserver: HTTPServer, run_tasks, django_capture_on_commit_callbacks,
):
    settings.SMS_DLR_DELAY_SECONDS = 0
    httpserver.expect_request("/dlr", method="POST").respond_with_data("ok")
    profile = every_variable_profile(alice, channel="sms", url=httpserver.url_for("/dlr"))

    with django_capture_on_commit_callbacks(execute=True):
        message_send(account=alice.account, to="+919876543210", body="Your order shipped",
                     callback_profile_id=profile.profile_id, ref="order-7", ref1="a",
                     ref2="b", campaign_name="Spring")
    run_tasks()

    assert missing_or_empty("SMS-sent", received(httpserver)) == []


def test_an_incoming_sms_notification_carries_every_sms_incoming_variable(
    alice, httpserver: HTTPServer, run_tasks, django_capture_on_commit_callbacks,
):
    httpserver.expect_request("/incoming", method="POST").respond_with_data("ok")
    profile = every_variable_profile(alice, channel="default",
                                     url=httpserver.url_for("/incoming"))
    vmn = vmn_provision(account=alice.account, number="+919870012345")
    configuration_create(account=alice.account, data=ConfigurationInput(
        vmn=vmn, keyword="JOIN", callback_profile=profile))

    with django_capture_on_commit_callbacks(execute=True):
        incoming_sms_receive(to=vmn.number, source="+919812345678", message="JOIN offers now",
                             operator="JIO", circle="JIO ASSAM")
    run_tasks()

    assert missing_or_empty("SMS-incoming", received(httpserver)) == []
