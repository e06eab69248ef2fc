"""Reads of deliveries, always scoped to one account."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncHour
from django.utils import timezone

from accounts.models import Account
from common.errors import NotFound
from profiles.models import CallbackProfile

from .models import Delivery, DeliveryStatus

DELIVERY_NOT_FOUND = "No delivery exists with this id"


def delivery_list(
    *,
    account: Account,
    profile: CallbackProfile | None = None,
    status: str | None = None,
) -> QuerySet[Delivery]:
    """Newest first. `status` is a DeliveryStatus value; an unknown one matches nothing."""
    qs = Delivery.objects.filter(account=account).select_related("profile")
    if profile is not None:
        qs = qs.filter(profile=profile)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at")


def get_delivery_for_account(*, account: Account, delivery_id: uuid.UUID | str) -> Delivery:
    try:
        pk = uuid.UUID(str(delivery_id))
    except ValueError as exc:
        raise NotFound(DELIVERY_NOT_FOUND) from exc
    delivery = (
        Delivery.objects.filter(account=account, pk=pk)
        .select_related("profile")
        .prefetch_related("attempts")
        .first()
    )
    if delivery is None:
        raise NotFound(DELIVERY_NOT_FOUND)
    return delivery


def delivery_hourly_counts(
    *, account: Account, profile: CallbackProfile | None = None, hours: int = 24,
    now: datetime | None = None,
) -> list[dict]:
    """Succeeded / failed deliveries per hour for the last `hours` hours (oldest first).

    Every hour is present (zeros included) so a chart needs no gap handling.
    """
    now = (now or timezone.now()).astimezone(UTC)  # UTC hours, whatever TIME_ZONE says
    end = now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    start = end - timedelta(hours=hours)
    qs = delivery_list(account=account, profile=profile).filter(created_at__gte=start)
    rows = (
        # order_by() drops the list's "-created_at", which would split the groups per row.
        qs.order_by()
        .annotate(hour=TruncHour("created_at", tzinfo=UTC))
        .values("hour")
        .annotate(
            succeeded=Count("pk", filter=Q(status=DeliveryStatus.SUCCEEDED)),
            failed=Count("pk", filter=Q(status=DeliveryStatus.FAILED)),
            total=Count("pk"),
        )
    )
    by_hour = {row["hour"]: row for row in rows}
    out = []
    for index in range(hours):
        hour = start + timedelta(hours=index)
        row = by_hour.get(hour, {})
        out.append({
            "hour": hour,
            "succeeded": row.get("succeeded", 0),
            "failed": row.get("failed", 0),
            "total": row.get("total", 0),
        })
    return out
