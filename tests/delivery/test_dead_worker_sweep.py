"""Atomic claiming and the recovery sweep for deliveries whose worker died."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from pytest_httpserver import HTTPServer

from delivery.models import Delivery, DeliveryStatus
from delivery.services import delivery_create, delivery_sweep
from delivery.services.heartbeat import heartbeat_beat

from .test_deliver_callbacks import SMS_VALUES, make_profile

pytestmark = pytest.mark.usefixtures("settings_private_ok")


def create(profile):
    return delivery_create(profile=profile, event="SMS-sent", variables=SMS_VALUES,
                           source_type="sms_message", source_id="m-1")


def held_by(delivery, worker_id, *, ago):
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.SENDING, claimed_by=worker_id, claimed_at=timezone.now() - ago
    )


def test_a_delivered_delivery_is_not_sent_twice(alice, httpserver: HTTPServer, run_tasks):
    httpserver.expect_request("/dlr").respond_with_data("ok")
    delivery = create(make_profile(alice.account, url=httpserver.url_for("/dlr")))

    run_tasks()
    run_tasks()

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED
    assert len(httpserver.log) == 1


def test_a_delivery_held_by_a_live_worker_is_left_alone(alice, httpserver: HTTPServer, run_tasks):
    delivery = create(make_profile(alice.account, url=httpserver.url_for("/dlr")))
    heartbeat_beat(worker_id="worker:a", started_at=timezone.now())
    held_by(delivery, "worker:a", ago=timedelta(minutes=1))

    assert delivery_sweep().requeued == 0
    run_tasks()
    assert httpserver.log == []


def test_sweep_requeues_a_delivery_whose_worker_died(alice, httpserver: HTTPServer, run_tasks):
    httpserver.expect_request("/dlr").respond_with_data("ok")
    delivery = create(make_profile(alice.account, url=httpserver.url_for("/dlr")))
    # Its worker's last heartbeat is ten minutes old: it was killed mid-attempt.
    heartbeat_beat(worker_id="worker:dead", started_at=timezone.now())
    from delivery.models import WorkerHeartbeat

    WorkerHeartbeat.objects.update(last_seen_at=timezone.now() - timedelta(minutes=10))
    held_by(delivery, "worker:dead", ago=timedelta(minutes=10))
    run_tasks()
    assert httpserver.log == []

    call_command("delivery_sweep")
    run_tasks()

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED
    assert delivery.abandoned_count == 1
    assert len(httpserver.log) == 1


def test_a_claim_past_the_lease_is_requeued_even_if_the_worker_looks_alive(alice, httpserver):
    delivery = create(make_profile(alice.account, url=httpserver.url_for("/dlr")))
    heartbeat_beat(worker_id="worker:hung", started_at=timezone.now())
    held_by(delivery, "worker:hung", ago=timedelta(hours=1))

    assert delivery_sweep(lease=timedelta(minutes=5)).requeued == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING


def test_a_delivery_that_keeps_killing_workers_is_failed_not_requeued_forever(alice, httpserver):
    delivery = create(make_profile(alice.account, url=httpserver.url_for("/dlr")))
    for _ in range(3):
        held_by(delivery, "worker:gone", ago=timedelta(minutes=5))
        delivery_sweep()

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.abandoned_count == 3
    assert "a worker stopped during this delivery 3 times" in delivery.last_error
    assert httpserver.log == []


def test_deliveries_are_found_by_the_worker_from_the_table_without_any_task(
    alice, httpserver: HTTPServer, django_capture_on_commit_callbacks, run_tasks
):
    from django_tasks_db.models import DBTaskResult

    httpserver.expect_request("/dlr").respond_with_data("ok")
    profile = make_profile(alice.account, url=httpserver.url_for("/dlr"))
    with django_capture_on_commit_callbacks(execute=True):
        delivery = create(profile)
    assert DBTaskResult.objects.count() == 0  # the Delivery row is the queue entry

    run_tasks()

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED


def test_a_delivery_whose_secrets_no_longer_decrypt_is_a_failed_attempt_not_a_crash(
    alice, settings, run_tasks
):
    delivery = create(make_profile(alice.account, url="http://127.0.0.1:9/dlr"))
    settings.FIELD_ENCRYPTION_KEYS = ["a-key-that-encrypted-nothing-here"]  # keys were changed

    run_tasks()

    row = Delivery.objects.filter(pk=delivery.pk).values(
        "status", "attempt_count", "last_error").get()
    assert row["status"] == DeliveryStatus.PENDING  # retried on the usual schedule
    assert row["attempt_count"] == 1
    assert "cannot be decrypted" in row["last_error"]
