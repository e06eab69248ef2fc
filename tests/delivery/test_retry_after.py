"""A customer's endpoint answering 429 or 503 with `Retry-After` is not tried again before it
asked (seconds or an HTTP date; at most an hour), and its adaptive concurrency is halved."""

from __future__ import annotations

from datetime import timedelta
from email.utils import format_datetime

import pytest
from django.utils import timezone
from pytest_httpserver import HTTPServer

from delivery import policy
from delivery.engine.worker_engine import Engine
from delivery.models import DeliveryStatus

from .test_deliver_callbacks import make_profile
from .test_retries_and_auto_disable import create

pytestmark = pytest.mark.usefixtures("settings_private_ok")


def wait_asked(delivery) -> timedelta:
    """From the failed attempt's start to the retry it scheduled."""
    delivery.refresh_from_db()
    attempt = delivery.attempts.get()
    assert delivery.status == DeliveryStatus.PENDING
    return delivery.next_attempt_at - attempt.started_at


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_seconds_delays_the_next_attempt(alice, httpserver: HTTPServer, run_tasks,
                                                     status):
    httpserver.expect_request("/dlr").respond_with_data(
        "slow down", status=status, headers={"Retry-After": "120"})
    delivery = create(make_profile(alice.account, url=httpserver.url_for("/dlr")))

    run_tasks()

    assert len(httpserver.log) == 1
    # The schedule alone would retry after 5 s (plus jitter).
    assert timedelta(seconds=120) <= wait_asked(delivery) < timedelta(seconds=150)


def test_retry_after_as_an_http_date(alice, httpserver: HTTPServer, run_tasks):
    later = timezone.now() + timedelta(minutes=10)
    httpserver.expect_request("/dlr").respond_with_data(
        "busy", status=503, headers={"Retry-After": format_datetime(later, usegmt=True)})
    delivery = create(make_profile(alice.account, url=httpserver.url_for("/dlr")))

    run_tasks()

    delivery.refresh_from_db()
    assert delivery.next_attempt_at >= later - timedelta(seconds=1)  # the header has seconds


def test_retry_after_is_capped_and_never_shortens_the_schedule(alice, httpserver: HTTPServer,
                                                               run_tasks):
    httpserver.expect_ordered_request("/dlr").respond_with_data(
        "", status=429, headers={"Retry-After": "864000"})  # ten days
    delivery = create(make_profile(alice.account, url=httpserver.url_for("/dlr")))

    run_tasks()

    assert policy.RETRY_AFTER_CAP <= wait_asked(delivery) < policy.RETRY_AFTER_CAP * 1.1
    assert policy.retry_delay(3, asked=timedelta(seconds=1)) >= policy.RETRY_DELAYS[2]


def test_a_429_halves_the_endpoints_concurrency(alice, httpserver: HTTPServer):
    httpserver.expect_request("/dlr").respond_with_data(
        "", status=429, headers={"Retry-After": "60"})
    profile = make_profile(alice.account, url=httpserver.url_for("/dlr"))
    create(profile)
    engine = Engine(worker_id="test", concurrency=8)
    before = engine.limiter.limit(profile.pk)
    try:
        while not httpserver.log or engine.busy:
            engine.step()
            engine.wait(0.01)
    finally:
        engine.close()

    assert engine.limiter.limit(profile.pk) == before // 2
