"""Reads of deliveries, always scoped to one account."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Max, Min, QuerySet, Sum
from django.utils import timezone

from accounts.models import Account
from common.errors import NotFound
from profiles import catalog
from profiles.models import CallbackProfile, CircuitState, EndpointState

from .models import Delivery, DeliveryStatus, WorkerHeartbeat

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


# --- Operator views of the engine (not account-scoped) -------------------------------------------


def worker_stale_after() -> timedelta:
    """A worker that has not refreshed its heartbeat for this long is presumed dead."""
    return timedelta(seconds=settings.DELIVERY_WORKER_STALE_SECONDS)


@dataclass(frozen=True)
class QueueStats:
    depth: int  # pending deliveries due now
    oldest_due_age_seconds: float | None
    in_flight: int  # attempts in flight in live workers
    open_circuits: int
    workers: int  # live workers


def live_workers(*, now: datetime | None = None) -> QuerySet[WorkerHeartbeat]:
    now = now or timezone.now()
    return WorkerHeartbeat.objects.filter(last_seen_at__gte=now - worker_stale_after())


def last_worker_heartbeat() -> datetime | None:
    return WorkerHeartbeat.objects.aggregate(at=Max("last_seen_at"))["at"]


def stopped_worker_loops(*, since: datetime) -> dict[str, list[str]]:
    """{worker id: its loops that stopped} among workers heard from since `since`."""
    fresh = WorkerHeartbeat.objects.filter(last_seen_at__gte=since).only("worker_id", "loops")
    return {beat.worker_id: beat.stopped_loops for beat in fresh if beat.stopped_loops}


def queue_stats(*, now: datetime | None = None) -> QueueStats:
    now = now or timezone.now()
    due = Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
    found = due.aggregate(depth=Count("pk"), oldest=Min("next_attempt_at"))
    workers = live_workers(now=now).aggregate(count=Count("pk"), in_flight=Sum("in_flight"))
    oldest = found["oldest"]
    return QueueStats(
        depth=found["depth"],
        oldest_due_age_seconds=(now - oldest).total_seconds() if oldest else None,
        in_flight=workers["in_flight"] or 0,
        open_circuits=EndpointState.objects.exclude(circuit=CircuitState.CLOSED).count(),
        workers=workers["count"],
    )


@dataclass(frozen=True)
class EndpointInFlight:
    profile_pk: int
    profile_id: str  # "" when the profile was deleted meanwhile
    title: str
    account_sid: str
    in_flight: int


def in_flight_by_endpoint(workers: list[WorkerHeartbeat]) -> list[EndpointInFlight]:
    """Attempts in flight per profile endpoint, summed over the given workers' heartbeats
    (each heartbeat's `endpoints` is {profile pk: in flight}); busiest first."""
    totals: dict[int, int] = {}
    for worker in workers:
        for key, count in (worker.endpoints or {}).items():
            try:
                pk, count = int(key), int(count)
            except (TypeError, ValueError):
                continue
            if count > 0:
                totals[pk] = totals.get(pk, 0) + count
    profiles = CallbackProfile.objects.filter(pk__in=totals).select_related("account").only(
        "pk", "profile_id", "title", "account__sid")
    by_pk = {profile.pk: profile for profile in profiles}
    rows = []
    for pk, count in totals.items():
        profile = by_pk.get(pk)
        rows.append(EndpointInFlight(
            profile_pk=pk,
            profile_id=profile.profile_id if profile else "",
            title=profile.title if profile else "(deleted profile)",
            account_sid=profile.account.sid if profile else "",
            in_flight=count,
        ))
    return sorted(rows, key=lambda row: (-row.in_flight, row.profile_pk))


def paused_endpoints() -> QuerySet[EndpointState]:
    """Circuits that are open or half-open (probing), soonest to reopen first."""
    return (
        EndpointState.objects.exclude(circuit=CircuitState.CLOSED)
        .select_related("profile", "profile__account")
        .order_by("reopen_at", "profile_id")
    )


@dataclass(frozen=True)
class OperatorStatus:
    now: datetime
    queue: QueueStats
    workers: list[WorkerHeartbeat]  # live ones, oldest first
    stale_workers: int  # heartbeats older than worker_stale_after(): presumed dead
    endpoints: list[EndpointInFlight]
    open_circuits: list[EndpointState]


def operator_status(*, now: datetime | None = None) -> OperatorStatus:
    """Everything `manage.py delivery_status` shows, in a fixed number of queries."""
    now = now or timezone.now()
    workers = list(live_workers(now=now).order_by("started_at", "worker_id"))
    return OperatorStatus(
        now=now,
        queue=queue_stats(now=now),
        workers=workers,
        stale_workers=WorkerHeartbeat.objects.filter(
            last_seen_at__lt=now - worker_stale_after()).count(),
        endpoints=in_flight_by_endpoint(workers),
        open_circuits=list(paused_endpoints()),
    )


def recent_channel_deliveries(*, account: Account, profile: CallbackProfile,
                              limit: int) -> list[Delivery]:
    """The last real events of the profile's channel: the account's latest delivery reports
    for a channel with events (SMS), else the incoming messages this profile was fired for
    (those of the Receive Message configurations using it)."""
    events = [e.value for e in catalog.events_for_channel(profile.channel)]
    deliveries = Delivery.objects.filter(account=account).select_related("profile__encryption")
    if events:
        deliveries = deliveries.filter(event__in=events)
    else:
        sets = [e.value for e in catalog.variable_sets_for_channel(profile.channel)]
        deliveries = deliveries.filter(profile=profile, event__in=sets)
    return list(deliveries.order_by("-created_at", "-id")[:limit])
