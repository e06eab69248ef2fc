"""End to end: the delivery engine raises the alerts (a delivery that exhausts its retries
emails the account's users).

LEAD, AT MERGE: the engine must call `alerts.services.alert_raise(profile=, kind=, detail=)`
with kind "delivery_failed" when a delivery gives up, "profile_auto_disabled" when it
auto-disables a profile, and "profile_recovered" on the first success after failures. Until it
does, this test is an expected failure; `strict=True` makes it fail loudly once the hook is in,
so remove the mark then.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from pytest_httpserver import HTTPServer

from alerts.models import Alert, AlertKind
from delivery.models import Delivery, DeliveryStatus
from delivery.services import delivery_create

from .test_alert_emails import make_profile

pytestmark = pytest.mark.usefixtures("settings_private_ok")


def test_a_delivery_that_exhausts_its_retries_emails_the_account(
        alice, httpserver: HTTPServer, run_tasks, django_capture_on_commit_callbacks, settings):
    settings.DELIVERY_CIRCUIT_THRESHOLD = 1000  # follow one delivery through all its retries
    httpserver.expect_request("/dlr").respond_with_data("down", status=503)
    profile = make_profile(alice.account)
    profile.url = httpserver.url_for("/dlr")
    profile.save()

    with django_capture_on_commit_callbacks(execute=True):
        delivery = delivery_create(profile=profile, event="SMS-sent",
                                   variables={"status": "DELIVRD"}, source_type="sms_message",
                                   source_id="m-1")
    for _ in range(20):
        with django_capture_on_commit_callbacks(execute=True):
            run_tasks()
        delivery.refresh_from_db()
        if delivery.status == DeliveryStatus.FAILED:
            break
        Delivery.objects.filter(pk=delivery.pk).update(
            next_attempt_at=timezone.now() - timedelta(seconds=1))

    assert delivery.status == DeliveryStatus.FAILED
    assert Alert.objects.filter(profile=profile, kind=AlertKind.DELIVERY_FAILED).exists()
    assert [e.subject for e in mail.outbox] == ["Callbacks to “Delivery reports” are failing"]
