"""Many attempts in flight per worker, fairly shared: proven against real local receivers."""

from __future__ import annotations

import pytest

from delivery.engine.worker_engine import Engine
from delivery.models import Delivery, DeliveryStatus
from delivery.services import delivery_create
from tests.support.deployment import Receiver

from .test_deliver_callbacks import SMS_VALUES, make_profile

pytestmark = pytest.mark.usefixtures("settings_private_ok")


def queue(profile, count: int) -> list[Delivery]:
    return [
        delivery_create(profile=profile, event="SMS-sent",
                        variables={**SMS_VALUES, "message_id": f"m-{n}"},
                        source_type="sms_message", source_id=f"m-{n}")
        for n in range(count)
    ]


def statuses(deliveries: list[Delivery]) -> list[str]:
    return list(Delivery.objects.filter(pk__in=[d.pk for d in deliveries])
                .values_list("status", flat=True))


def test_one_endpoint_gets_many_attempts_in_flight_at_once(alice, settings, run_tasks):
    settings.DELIVERY_ENDPOINT_INITIAL_CONCURRENCY = 8
    with Receiver(hold_until_open=8) as receiver:
        deliveries = queue(make_profile(alice.account, url=receiver.url), 8)
        run_tasks()

    assert receiver.max_open == 8  # every response waited until all 8 were open
    assert statuses(deliveries) == [DeliveryStatus.SUCCEEDED] * 8


def test_different_endpoints_are_sent_to_in_parallel(alice, run_tasks):
    with Receiver(hold_until_open=12) as receiver:
        deliveries = []
        for n in range(12):
            profile = make_profile(alice.account, title=f"Endpoint {n}",
                                   url=f"{receiver.url}/{n}")
            deliveries += queue(profile, 1)
        run_tasks()

    assert receiver.max_open == 12
    assert statuses(deliveries) == [DeliveryStatus.SUCCEEDED] * 12


def test_keep_alive_connections_are_reused(alice, settings, run_tasks):
    settings.DELIVERY_ENDPOINT_CONCURRENCY = 4
    with Receiver() as receiver:
        deliveries = queue(make_profile(alice.account, url=receiver.url), 60)
        run_tasks()

    assert statuses(deliveries) == [DeliveryStatus.SUCCEEDED] * 60
    # At most one connection per slot the endpoint ever had, not one per request.
    assert receiver.connections <= 4


def test_a_hanging_endpoint_does_not_hold_up_another_accounts_callbacks(
    alice, charlie, settings
):
    settings.CALLBACK_READ_TIMEOUT = 5
    with Receiver(delay=8) as hanging, Receiver() as fast:
        stuck = queue(make_profile(alice.account, url=hanging.url), 20)  # queued first
        flowing = queue(make_profile(charlie.account, url=fast.url), 60)
        engine = Engine(worker_id="test", concurrency=16)
        try:
            while statuses(flowing).count(DeliveryStatus.SUCCEEDED) < 60:
                engine.step()
                engine.wait(0.01)
                # The hanging endpoint holds only its few starting slots meanwhile.
                assert hanging.open_now <= settings.DELIVERY_ENDPOINT_INITIAL_CONCURRENCY
            # All 60 went through while the first hanging attempts were still waiting.
            assert Delivery.objects.get(pk=stuck[0].pk).attempt_count == 0
            assert hanging.open_now > 0
        finally:
            engine.drain()
            engine.close()
    assert fast.distinct == 60
