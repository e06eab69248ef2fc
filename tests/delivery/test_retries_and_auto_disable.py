"""Retries on the documented schedule, permanent failures, auto-disable, skipped deliveries."""

from __future__ import annotations

import socket
from datetime import timedelta

import pytest
from django.utils import timezone
from pytest_httpserver import HTTPServer

from delivery import policy
from delivery.models import DeliveryStatus
from delivery.services import delivery_create
from profiles.models import EndpointState, ProfileStatus
from profiles.services import profile_set_status

from .test_deliver_callbacks import SMS_VALUES, make_profile

pytestmark = pytest.mark.usefixtures("settings_private_ok")


@pytest.fixture(autouse=True)
def circuit_breaker_out_of_the_way(settings):
    """These tests follow one delivery through its whole retry schedule; the circuit breaker
    (tests/delivery/test_circuit_breaker.py) would pause the endpoint after 5 failures."""
    settings.DELIVERY_CIRCUIT_THRESHOLD = 1000


def create(profile):
    return delivery_create(profile=profile, event="SMS-sent", variables=SMS_VALUES,
                           source_type="sms_message", source_id="m-1")


def make_due(delivery) -> None:
    """Move the clock forward for this delivery: its next attempt is due now."""
    type(delivery).objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )


def failing_for(profile, *, days: int, attempts: int) -> None:
    """History: every attempt of this profile has failed for `days` (the endpoint's clock)."""
    EndpointState.objects.update_or_create(profile=profile, defaults={
        "failing_since": timezone.now() - timedelta(days=days),
        "failures_since_success": attempts,
    })


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_receiver_fails_then_recovers_same_webhook_id(alice, httpserver: HTTPServer, run_tasks):
    httpserver.expect_ordered_request("/dlr").respond_with_data("down", status=503)
    httpserver.expect_ordered_request("/dlr").respond_with_data("still down", status=500)
    httpserver.expect_ordered_request("/dlr").respond_with_data("ok", status=200)
    profile = make_profile(alice.account, url=httpserver.url_for("/dlr"))
    delivery = create(profile)

    run_tasks()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.last_error == "endpoint answered HTTP 503"
    wait = delivery.next_attempt_at - delivery.updated_at
    assert timedelta(seconds=5) <= wait <= timedelta(seconds=5.5) + timedelta(seconds=1)

    run_tasks()  # not due yet: nothing is sent
    assert len(httpserver.log) == 1

    make_due(delivery)
    run_tasks()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING and delivery.attempt_count == 2
    assert delivery.next_attempt_at - timezone.now() > timedelta(minutes=4)

    make_due(delivery)
    run_tasks()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED
    assert [a.status_code for a in delivery.attempts.all()] == [503, 500, 200]
    ids = {request.headers["webhook-id"] for request, _ in httpserver.log}
    assert ids == {delivery.webhook_id}


def test_connection_refused_is_retried_then_failed_after_the_schedule(alice, run_tasks):
    profile = make_profile(alice.account, url=f"http://127.0.0.1:{free_port()}/dlr")
    delivery = create(profile)

    for _ in range(policy.MAX_ATTEMPTS):
        make_due(delivery)
        run_tasks()
        delivery.refresh_from_db()

    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempt_count == policy.MAX_ATTEMPTS == 8
    assert delivery.last_error == "connection refused"
    assert delivery.completed_at is not None


def test_schedule_is_the_documented_one_with_jitter():
    expected = [5, 300, 1800, 7200, 18000, 36000, 36000]
    for attempts_made, seconds in enumerate(expected, start=1):
        delay = policy.retry_delay(attempts_made).total_seconds()
        assert seconds <= delay <= seconds * 1.1
    assert policy.retry_delay(8) is None


def test_permanent_error_fails_at_once(alice, settings, run_tasks):
    settings.CALLBACK_ALLOW_PRIVATE_NETWORKS = False
    profile = make_profile(alice.account, url="http://10.1.2.3/dlr")
    delivery = create(profile)

    run_tasks()

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempt_count == 1
    assert delivery.last_error == "blocked: 10.1.2.3 is a private address"


def test_profile_failing_for_five_days_is_auto_disabled_then_skipped(
    alice, httpserver: HTTPServer, run_tasks
):
    httpserver.expect_request("/dlr").respond_with_data("nope", status=500)
    profile = make_profile(alice.account, url=httpserver.url_for("/dlr"))
    # History: this profile's deliveries have been failing for six days.
    create(profile)
    run_tasks()
    failing_for(profile, days=6, attempts=4)

    fresh = create(profile)
    run_tasks()

    profile.refresh_from_db()
    assert profile.status == ProfileStatus.AUTO_DISABLED
    assert "failed for 5 days" in profile.disabled_reason
    sent = len(httpserver.log)

    later = create(profile)
    make_due(fresh)
    run_tasks()
    later.refresh_from_db()
    fresh.refresh_from_db()
    assert later.status == DeliveryStatus.SKIPPED
    assert later.last_error == "profile is auto-disabled"
    assert fresh.status == DeliveryStatus.SKIPPED  # a pending retry is not sent either
    assert len(httpserver.log) == sent


def test_one_success_resets_the_auto_disable_clock(alice, httpserver: HTTPServer, run_tasks):
    httpserver.expect_ordered_request("/dlr").respond_with_data("ok")
    httpserver.expect_request("/dlr").respond_with_data("nope", status=500)
    profile = make_profile(alice.account, url=httpserver.url_for("/dlr"))
    failing_for(profile, days=7, attempts=6)
    create(profile)
    run_tasks()  # one success
    assert EndpointState.objects.get(profile=profile).failing_since is None

    create(profile)
    run_tasks()  # a failure: the clock starts again from now

    profile.refresh_from_db()
    assert profile.status == ProfileStatus.ACTIVE


@pytest.mark.parametrize("status", [ProfileStatus.DISABLED, ProfileStatus.AUTO_DISABLED])
def test_inactive_profile_records_skipped_and_sends_nothing(
    alice, httpserver: HTTPServer, run_tasks, status
):
    profile = make_profile(alice.account, url=httpserver.url_for("/dlr"))
    profile_set_status(profile=profile, status=status, reason="by test")

    delivery = create(profile)
    run_tasks()

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SKIPPED
    assert delivery.attempts.count() == 0
    assert httpserver.log == []


def test_re_enabled_profile_sends_again(alice, httpserver: HTTPServer, run_tasks):
    httpserver.expect_request("/dlr").respond_with_data("ok")
    profile = make_profile(alice.account, url=httpserver.url_for("/dlr"))
    profile_set_status(profile=profile, status=ProfileStatus.AUTO_DISABLED, reason="test")
    profile_set_status(profile=profile, status=ProfileStatus.ACTIVE)

    delivery = create(profile)
    run_tasks()

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED


def test_re_enabling_restarts_the_auto_disable_clock(alice, httpserver: HTTPServer, run_tasks):
    """Failures from before a re-enable don't disable the profile again at the next failure."""
    httpserver.expect_request("/dlr").respond_with_data("nope", status=500)
    profile = make_profile(alice.account, url=httpserver.url_for("/dlr"))
    create(profile)
    run_tasks()
    failing_for(profile, days=6, attempts=6)
    profile_set_status(profile=profile, status=ProfileStatus.AUTO_DISABLED, reason="test")
    profile_set_status(profile=profile, status=ProfileStatus.ACTIVE)

    create(profile)
    run_tasks()

    profile.refresh_from_db()
    assert profile.status == ProfileStatus.ACTIVE
