"""Reads that only the profile pages need: the delivery log and the 24-hour chart.

Both are scoped to the account as well as the profile, like every selector, and each costs a
fixed number of queries however many deliveries there are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncHour
from django.utils import timezone

from accounts.models import Account
from delivery.models import Delivery, DeliveryStatus
from profiles.models import CallbackProfile

CHART_HOURS = 24


def profile_delivery_log(*, account: Account, profile: CallbackProfile) -> QuerySet[Delivery]:
    """Newest first; only the columns the log shows (the request body can be large)."""
    return (
        Delivery.objects.filter(account=account, profile=profile)
        .only(
            "id", "event", "status", "attempt_count", "last_status_code", "last_error",
            "last_latency_ms", "created_at", "completed_at", "request_method", "request_url",
            "variables", "next_attempt_at",
        )
        .order_by("-created_at")
    )


@dataclass(frozen=True)
class HourBucket:
    start: datetime
    succeeded: int
    failed: int
    # Not final yet, but at least one attempt failed: counted as failing, not as "0 failed".
    retrying: int = 0

    @property
    def failing(self) -> int:
        return self.failed + self.retrying

    @property
    def total(self) -> int:
        return self.succeeded + self.failing


def profile_delivery_success_by_hour(
    *, account: Account, profile: CallbackProfile, now: datetime | None = None,
    tz: tzinfo = UTC,
) -> list[HourBucket]:
    """Succeeded vs failed deliveries per hour for the last 24 hours, oldest first.

    One aggregate query grouped by hour; hours without deliveries are filled in here so the
    chart always has 24 bars. Deliveries waiting for a retry after a failed attempt count as
    failing; ones not attempted yet and skipped ones are not counted: the chart answers "are
    my callbacks getting through?".
    """
    # Hours of `tz` (the page passes the account's display zone; UTC by default, whatever
    # TIME_ZONE says), so a +05:30 zone gets buckets starting at its own full hours.
    now = (now or timezone.now()).astimezone(tz)
    last_hour = now.replace(minute=0, second=0, microsecond=0)
    first_hour = last_hour - timedelta(hours=CHART_HOURS - 1)
    rows = (
        Delivery.objects.filter(account=account, profile=profile, created_at__gte=first_hour)
        .annotate(hour=TruncHour("created_at", tzinfo=tz))
        .values("hour")
        .annotate(
            succeeded=Count("id", filter=Q(status=DeliveryStatus.SUCCEEDED)),
            failed=Count("id", filter=Q(status=DeliveryStatus.FAILED)),
            retrying=Count("id", filter=Q(
                status__in=[DeliveryStatus.PENDING, DeliveryStatus.SENDING], attempt_count__gt=0
            )),
        )
        .order_by("hour")
    )
    counts = {row["hour"]: (row["succeeded"], row["failed"], row["retrying"]) for row in rows}
    buckets = []
    for index in range(CHART_HOURS):
        start = first_hour + timedelta(hours=index)
        succeeded, failed, retrying = counts.get(start, (0, 0, 0))
        buckets.append(
            HourBucket(start=start, succeeded=succeeded, failed=failed, retrying=retrying)
        )
    return buckets


def profile_has_pending_deliveries(*, account: Account, profile: CallbackProfile) -> bool:
    """Whether the profile page should keep polling (a delivery not final yet)."""
    return Delivery.objects.filter(
        account=account, profile=profile,
        status__in=[DeliveryStatus.PENDING, DeliveryStatus.SENDING],
    ).exists()
