"""Claiming due deliveries from the Delivery table, which is the queue.

A claim moves rows from PENDING to SENDING and stamps them with the worker's id and the claim
time, in one short transaction. On PostgreSQL the candidates are locked with
`FOR UPDATE SKIP LOCKED`, so concurrent workers take disjoint batches without waiting on each
other; on SQLite the transaction takes the write lock up front (`transaction_mode=IMMEDIATE`)
and the UPDATE re-checks the status, so two workers can never both claim a row.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable
from datetime import datetime

from django.db import connection, transaction
from django.db.models import QuerySet

from ..models import Delivery, DeliveryStatus


def _locked(qs: QuerySet[Delivery]) -> QuerySet[Delivery]:
    if connection.features.has_select_for_update_skip_locked:
        return qs.select_for_update(skip_locked=True)
    return qs


def _claim(candidates: QuerySet[Delivery], *, worker_id: str, limit: int,
           now: datetime) -> list[Delivery]:
    if limit <= 0:
        return []
    # A plain read first: an idle poll must not take SQLite's write lock.
    if not candidates.exists():
        return []
    with transaction.atomic():
        ids = list(_locked(candidates.order_by("next_attempt_at")).values_list("pk", flat=True)
                   [:limit])
        if not ids:
            return []
        Delivery.objects.filter(pk__in=ids, status=DeliveryStatus.PENDING).update(
            status=DeliveryStatus.SENDING, claimed_at=now, claimed_by=worker_id, updated_at=now
        )
    claimed = Delivery.objects.filter(
        pk__in=ids, status=DeliveryStatus.SENDING, claimed_by=worker_id, claimed_at=now
    ).select_related("profile", "profile__auth")
    return sorted(_load(claimed), key=lambda d: (d.next_attempt_at, str(d.pk)))


# What a delivery that cannot be loaded still needs to have its failure recorded.
_MINIMAL_FIELDS = ("id", "account_id", "profile_id", "event", "attempt_count", "webhook_id",
                   "status", "next_attempt_at", "claimed_by")


def _load(claimed: QuerySet[Delivery]) -> list[Delivery]:
    """The claimed rows; one whose stored secrets no longer decrypt (a changed
    FIELD_ENCRYPTION_KEY) comes back minimal with `load_error` set, so its failed attempt is
    recorded instead of the whole batch crashing the worker again and again."""
    try:
        return list(claimed)
    except ValueError:
        pass
    loaded = []
    for pk in claimed.values_list("pk", flat=True):
        try:
            loaded.append(claimed.get(pk=pk))
        except ValueError as exc:
            minimal = Delivery.objects.only(*_MINIMAL_FIELDS).get(pk=pk)
            minimal.load_error = str(exc)
            loaded.append(minimal)
    return loaded


def claim_due(
    *, worker_id: str, limit: int, now: datetime, exclude_profiles: Collection[int] = (),
    only_profile: int | None = None,
) -> list[Delivery]:
    """Claim up to `limit` due deliveries, oldest due first, skipping the given profiles."""
    due = Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
    if only_profile is not None:
        due = due.filter(profile_id=only_profile)
    if exclude_profiles:
        due = due.exclude(profile_id__in=list(exclude_profiles))
    return _claim(due, worker_id=worker_id, limit=limit, now=now)


def claim_ids(*, worker_id: str, ids: Iterable[uuid.UUID | str], now: datetime) -> list[Delivery]:
    """Claim these deliveries if they are pending and due (attempting one delivery by id)."""
    wanted = list(ids)
    due = Delivery.objects.filter(
        pk__in=wanted, status=DeliveryStatus.PENDING, next_attempt_at__lte=now
    )
    return _claim(due, worker_id=worker_id, limit=len(wanted), now=now)


def release(*, worker_id: str, ids: Collection[uuid.UUID], now: datetime) -> int:
    """Give claimed but unsent deliveries back to the queue, untouched (no attempt spent)."""
    if not ids:
        return 0
    return Delivery.objects.filter(
        pk__in=list(ids), status=DeliveryStatus.SENDING, claimed_by=worker_id
    ).update(status=DeliveryStatus.PENDING, claimed_by="", claimed_at=None, updated_at=now)
