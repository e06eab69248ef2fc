"""The circuit breaker: consecutive endpoint failures pause an endpoint without spending its
deliveries' attempts; after the cool-off one probe decides whether it closes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from delivery.models import Delivery, DeliveryStatus
from delivery.selectors import queue_stats
from profiles.models import CircuitState, EndpointState
from tests.support.deployment import Receiver

from .test_concurrent_delivery import queue
from .test_deliver_callbacks import make_profile

pytestmark = pytest.mark.usefixtures("settings_private_ok")


@pytest.fixture(autouse=True)
def one_attempt_at_a_time(settings):
    settings.DELIVERY_ENDPOINT_INITIAL_CONCURRENCY = 1
    settings.DELIVERY_CIRCUIT_THRESHOLD = 3
    settings.DELIVERY_CIRCUIT_COOLOFF_SECONDS = 30


def cool_off_over(profile) -> None:
    EndpointState.objects.filter(profile=profile).update(
        reopen_at=timezone.now() - timedelta(seconds=1))


def attempts(deliveries) -> list[int]:
    return sorted(Delivery.objects.filter(pk__in=[d.pk for d in deliveries])
                  .values_list("attempt_count", flat=True))


def test_consecutive_failures_open_the_circuit_and_the_rest_wait_unspent(alice, run_tasks):
    with Receiver(status=503) as receiver:
        profile = make_profile(alice.account, url=receiver.url)
        deliveries = queue(profile, 6)
        run_tasks()

    state = EndpointState.objects.get(profile=profile)
    assert state.circuit == CircuitState.OPEN
    assert state.consecutive_failures == 3
    assert state.reopen_at > timezone.now() + timedelta(seconds=25)
    assert len(receiver.bodies) == 3
    assert attempts(deliveries) == [0, 0, 0, 1, 1, 1]  # three never tried: nothing spent
    waiting = Delivery.objects.filter(pk__in=[d.pk for d in deliveries], attempt_count=0)
    assert {d.status for d in waiting} == {DeliveryStatus.PENDING}
    assert queue_stats().open_circuits == 1


def test_a_good_probe_closes_the_circuit_and_the_backlog_flows(alice, run_tasks):
    with Receiver(status=503) as receiver:
        profile = make_profile(alice.account, url=receiver.url)
        deliveries = queue(profile, 6)
        run_tasks()
        receiver.status = 200
        cool_off_over(profile)
        run_tasks()

    state = EndpointState.objects.get(profile=profile)
    assert state.circuit == CircuitState.CLOSED
    assert state.consecutive_failures == 0
    unspent = Delivery.objects.filter(pk__in=[d.pk for d in deliveries[3:]])
    assert {d.status for d in unspent} == {DeliveryStatus.SUCCEEDED}
    assert len(receiver.bodies) == 6


def test_a_failed_probe_reopens_with_a_longer_cool_off(alice, run_tasks):
    with Receiver(status=503) as receiver:
        profile = make_profile(alice.account, url=receiver.url)
        deliveries = queue(profile, 6)
        run_tasks()
        cool_off_over(profile)
        run_tasks()

    state = EndpointState.objects.get(profile=profile)
    assert state.circuit == CircuitState.OPEN
    assert state.cooloff_seconds == 60
    assert len(receiver.bodies) == 4  # exactly one probe
    assert attempts(deliveries) == [0, 0, 1, 1, 1, 1]


def test_4xx_answers_retry_but_do_not_open_the_circuit(alice, run_tasks):
    with Receiver(status=404) as receiver:
        profile = make_profile(alice.account, url=receiver.url)
        deliveries = queue(profile, 5)
        run_tasks()

    assert EndpointState.objects.get(profile=profile).circuit == CircuitState.CLOSED
    assert attempts(deliveries) == [1, 1, 1, 1, 1]
    assert {d.status for d in Delivery.objects.filter(pk__in=[d.pk for d in deliveries])} == {
        DeliveryStatus.PENDING}  # each waits for its retry
