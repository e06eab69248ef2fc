"""Retention: finished deliveries (with attempts), inbox requests and incoming messages older
than the window are pruned in batches; anything newer, or still being retried, stays. Rate-limit
windows go as soon as they have ended."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from delivery.engine.rate_limit import try_acquire
from delivery.inbox import inbox_get_or_create, inbox_record
from delivery.models import (
    Delivery,
    DeliveryAttempt,
    DeliveryStatus,
    InboxRequest,
    RateLimitWindow,
)
from ops.retention import prune_old_records
from profiles.models import RatePeriod
from profiles.services import profile_create
from profiles.validation import ProfileInput
from receive_sms.models import IncomingMessage
from receive_sms.services import incoming_sms_receive, vmn_provision


def make_delivery(profile, *, age_days: float, status: str, attempts: int = 1) -> Delivery:
    delivery = Delivery.objects.create(
        account=profile.account, profile=profile, event="SMS-sent", webhook_id="msg_x",
        request_method="POST", request_url=profile.url, status=status,
        attempt_count=attempts,
    )
    created = timezone.now() - timedelta(days=age_days)
    Delivery.objects.filter(pk=delivery.pk).update(created_at=created)
    for number in range(1, attempts + 1):
        DeliveryAttempt.objects.create(delivery=delivery, number=number, started_at=created,
                                       status_code=500)
    return delivery


@pytest.fixture
def profile(alice):
    return profile_create(account=alice.account, data=ProfileInput(
        title="Reports", channel="sms", http_method="POST", url="https://example.com/cb",
        body=None,
    ))


def age(model, pk, field: str, days: float) -> None:
    model.objects.filter(pk=pk).update(**{field: timezone.now() - timedelta(days=days)})


def test_prune_removes_only_what_is_older_than_the_window(alice, profile, settings):
    settings.DELIVERY_RETENTION_DAYS = 30
    old_done = [make_delivery(profile, age_days=31, status=s, attempts=2)
                for s in (DeliveryStatus.SUCCEEDED, DeliveryStatus.FAILED, DeliveryStatus.SKIPPED)]
    still_retrying = make_delivery(profile, age_days=31, status=DeliveryStatus.PENDING)
    recent = make_delivery(profile, age_days=29, status=DeliveryStatus.SUCCEEDED)

    inbox = inbox_get_or_create(account=alice.account)
    requests = [inbox_record(inbox=inbox, method="POST", path="/", query_string="", headers={},
                             body=b"{}", body_size=2) for _ in range(2)]
    age(InboxRequest, requests[0].pk, "received_at", 31)
    vmn = vmn_provision(account=alice.account, number="+919870012345")
    incoming = [incoming_sms_receive(to=vmn.number, source="+919812345678", message="HI")
                for _ in range(2)]
    age(IncomingMessage, incoming[0].pk, "received_at", 31)
    incoming[1].callback_delivery = old_done[0]  # a link to a pruned delivery empties
    incoming[1].save()

    out = StringIO()
    call_command("prune", "--batch", "2", stdout=out)

    assert json.loads(out.getvalue()) == {
        "deliveries": 3, "attempts": 6, "inbox_requests": 1, "incoming_messages": 1,
        "idempotency_keys": 0, "daily_units": 0, "rate_limit_windows": 0,
    }
    assert set(Delivery.objects.values_list("pk", flat=True)) == {still_retrying.pk, recent.pk}
    assert DeliveryAttempt.objects.count() == 2
    assert list(InboxRequest.objects.values_list("pk", flat=True)) == [requests[1].pk]
    kept = IncomingMessage.objects.get()
    assert kept.pk == incoming[1].pk and kept.callback_delivery is None


def test_days_option_overrides_the_setting(profile):
    make_delivery(profile, age_days=3, status=DeliveryStatus.SUCCEEDED)
    make_delivery(profile, age_days=1, status=DeliveryStatus.SUCCEEDED)

    assert prune_old_records(days=30).deliveries == 0
    assert prune_old_records(days=2, batch=1).deliveries == 1
    assert Delivery.objects.count() == 1


def test_prune_is_bounded_per_call(profile):
    for _ in range(5):
        make_delivery(profile, age_days=40, status=DeliveryStatus.FAILED, attempts=0)

    assert prune_old_records(days=30, batch=2, max_batches=1).deliveries == 2
    assert prune_old_records(days=30, batch=2).deliveries == 3


@pytest.mark.parametrize("args, message", [
    (["--days", "0"], "--days must be at least 1"),
    (["--batch", "0"], "--batch must be at least 1"),
])
def test_bad_arguments_are_refused(db, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("prune", *args, stdout=StringIO())


def test_ended_rate_limit_windows_are_pruned_and_the_current_one_kept(profile):
    profile.rate_limit, profile.rate_limit_period = 10, RatePeriod.MINUTE
    profile.save()
    assert try_acquire(profile) is None  # opens this minute's window
    current = RateLimitWindow.objects.get()
    for minutes_ago in (1, 3, 60 * 24 * 40):
        RateLimitWindow.objects.create(
            profile=profile, window_start=current.window_start - timedelta(minutes=minutes_ago),
            count=10)

    # In the last second of the current window:
    now = current.window_start + timedelta(seconds=59)
    assert prune_old_records(batch=2, now=now).rate_limit_windows == 3
    assert list(RateLimitWindow.objects.values_list("pk", "count")) == [(current.pk, 1)]
