"""Claiming due deliveries from the table: never more than asked, never twice, and on
PostgreSQL two workers claiming at the same moment take disjoint rows."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.utils import timezone

from delivery.engine import claims
from delivery.models import Delivery, DeliveryStatus

from .test_concurrent_delivery import queue
from .test_deliver_callbacks import make_profile


def test_a_claim_takes_at_most_the_limit_oldest_due_first(alice):
    deliveries = queue(make_profile(alice.account, url="http://127.0.0.1:9/"), 10)

    first = claims.claim_due(worker_id="a", limit=3, now=timezone.now())
    second = claims.claim_due(worker_id="b", limit=100, now=timezone.now())

    assert [d.pk for d in first.deliveries] == [d.pk for d in deliveries[:3]]
    assert {d.pk for d in second.deliveries} == {d.pk for d in deliveries[3:]}
    assert len(claims.claim_due(worker_id="c", limit=100, now=timezone.now())) == 0


def test_released_deliveries_are_due_again_with_nothing_spent(alice):
    deliveries = queue(make_profile(alice.account, url="http://127.0.0.1:9/"), 2)
    taken = claims.claim_due(worker_id="a", limit=2, now=timezone.now())

    claims.release(worker_id="a", ids=[d.pk for d in taken.deliveries], now=timezone.now())

    fresh = Delivery.objects.filter(pk__in=[d.pk for d in deliveries])
    assert {(d.status, d.attempt_count, d.claimed_by) for d in fresh} == {
        (DeliveryStatus.PENDING, 0, "")}


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL only")
def test_two_workers_claiming_at_once_on_postgresql_take_disjoint_batches(alice):
    queue(make_profile(alice.account, url="http://127.0.0.1:9/"), 400)
    claimed: dict[str, list] = {"a": [], "b": []}
    start = threading.Barrier(2)

    def worker(name: str) -> None:
        try:
            start.wait()
            while batch := claims.claim_due(worker_id=name, limit=25, now=timezone.now()):
                assert len(batch) <= 25
                claimed[name] += [d.pk for d in batch.deliveries]
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(name,)) for name in claimed]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not set(claimed["a"]) & set(claimed["b"])
    assert len(claimed["a"]) + len(claimed["b"]) == 400
    assert Delivery.objects.filter(status=DeliveryStatus.SENDING).count() == 400
