"""Atomic claiming and the recovery sweep for deliveries whose worker or task was lost."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from pytest_httpserver import HTTPServer

from delivery.models import Delivery, DeliveryStatus
from delivery.services import delivery_attempt, delivery_create, delivery_recover

from .test_deliver_callbacks import SMS_VALUES, make_profile

pytestmark = pytest.mark.usefixtures("settings_private_ok")


def create(profile):
    return delivery_create(profile=profile, event="SMS-sent", variables=SMS_VALUES,
                           source_type="sms_message", source_id="m-1")


def test_a_claimed_delivery_is_not_sent_twice(alice, httpserver: HTTPServer):
    httpserver.expect_request("/dlr").respond_with_data("ok")
    delivery = create(make_profile(alice.account, url=httpserver.url_for("/dlr")))

    first = delivery_attempt(delivery_id=delivery.pk)
    second = delivery_attempt(delivery_id=delivery.pk)

    assert first is not None and first.status == DeliveryStatus.SUCCEEDED
    assert second is None
    assert len(httpserver.log) == 1


def test_a_delivery_held_by_another_worker_is_left_alone(alice, httpserver: HTTPServer):
    delivery = create(make_profile(alice.account, url=httpserver.url_for("/dlr")))
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.SENDING, claimed_at=timezone.now()
    )

    assert delivery_attempt(delivery_id=delivery.pk) is None
    assert delivery_recover().stale_sending == 0
    assert httpserver.log == []


def test_sweep_requeues_a_delivery_whose_worker_died(alice, httpserver: HTTPServer, run_tasks):
    httpserver.expect_request("/dlr").respond_with_data("ok")
    delivery = create(make_profile(alice.account, url=httpserver.url_for("/dlr")))
    # A worker claimed it ten minutes ago and was killed.
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.SENDING, claimed_at=timezone.now() - timedelta(minutes=10)
    )
    run_tasks()
    assert httpserver.log == []

    call_command("delivery_sweep")
    run_tasks()

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED
    assert len(httpserver.log) == 1


def test_sweep_requeues_a_pending_delivery_whose_task_was_lost(
    alice, httpserver: HTTPServer, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    httpserver.expect_request("/dlr").respond_with_data("ok")
    delivery = create(make_profile(alice.account, url=httpserver.url_for("/dlr")))
    Delivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() - timedelta(hours=1)
    )

    with django_capture_on_commit_callbacks(execute=True):
        result = delivery_recover(grace=timedelta(minutes=10))

    assert result.lost_pending == 1
    queued = DBTaskResult.objects.filter(task_path="delivery.tasks.send_delivery")
    assert [t.args_kwargs["args"] for t in queued] == [[str(delivery.pk)]]


def test_tasks_are_queued_on_commit_and_run_by_the_worker(
    alice, httpserver: HTTPServer, django_capture_on_commit_callbacks, run_tasks
):
    from django_tasks_db.models import DBTaskResult

    httpserver.expect_request("/dlr").respond_with_data("ok")
    profile = make_profile(alice.account, url=httpserver.url_for("/dlr"))
    with django_capture_on_commit_callbacks(execute=True):
        delivery = create(profile)
    assert DBTaskResult.objects.filter(status="READY").count() == 1

    run_tasks()

    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED
