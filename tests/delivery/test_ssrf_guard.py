"""The SSRF guard, through the whole engine: CALLBACK_ALLOW_PRIVATE_NETWORKS decides."""

from __future__ import annotations

from pytest_httpserver import HTTPServer

from delivery.models import DeliveryStatus
from delivery.services import delivery_create

from .test_deliver_callbacks import SMS_VALUES, make_profile


def deliver(profile, run_tasks):
    delivery = delivery_create(profile=profile, event="SMS-sent", variables=SMS_VALUES,
                               source_type="sms_message", source_id="m-1")
    run_tasks()
    delivery.refresh_from_db()
    return delivery


def test_loopback_is_blocked_when_private_networks_are_off(
    alice, settings, httpserver: HTTPServer, run_tasks
):
    settings.CALLBACK_ALLOW_PRIVATE_NETWORKS = False
    profile = make_profile(alice.account, url=f"http://127.0.0.1:{httpserver.port}/dlr")

    delivery = deliver(profile, run_tasks)

    assert delivery.status == DeliveryStatus.FAILED  # permanent: no retry
    assert delivery.last_error == "blocked: 127.0.0.1 is a loopback address"
    assert httpserver.log == []


def test_hostname_resolving_to_loopback_is_blocked(
    alice, settings, httpserver: HTTPServer, run_tasks
):
    settings.CALLBACK_ALLOW_PRIVATE_NETWORKS = False
    profile = make_profile(alice.account, url=f"http://localhost:{httpserver.port}/dlr")

    delivery = deliver(profile, run_tasks)

    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.last_error.startswith("blocked: localhost resolves to ")
    assert httpserver.log == []


def test_loopback_is_allowed_when_the_setting_is_on(
    alice, settings, httpserver: HTTPServer, run_tasks
):
    settings.CALLBACK_ALLOW_PRIVATE_NETWORKS = True
    httpserver.expect_request("/dlr").respond_with_data("ok")
    profile = make_profile(alice.account, url=f"http://localhost:{httpserver.port}/dlr")

    delivery = deliver(profile, run_tasks)

    assert delivery.status == DeliveryStatus.SUCCEEDED
    assert len(httpserver.log) == 1
