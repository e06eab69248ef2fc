"""Claiming due deliveries from the Delivery table, which is the queue.

A claim moves rows from PENDING to SENDING and stamps them with the worker's id and the claim
time, in one statement (`UPDATE … WHERE id IN (SELECT … LIMIT n) … RETURNING id`). On
PostgreSQL the subquery locks its rows with `FOR UPDATE SKIP LOCKED`, so concurrent workers
take disjoint batches without waiting on each other; SQLite runs one writing statement at a
time, and the UPDATE re-checks the status, so two workers can never both claim a row.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.db.models import QuerySet

from profiles.models import CallbackProfile

from ..models import Delivery, DeliveryStatus


@dataclass(frozen=True)
class UnloadableDelivery:
    """A claimed delivery whose stored secrets no longer decrypt (a changed
    FIELD_ENCRYPTION_KEY): only the fields needed to record its failed attempt are loaded."""

    delivery: Delivery
    error: str


@dataclass(frozen=True)
class Claim:
    """What one claim took: the deliveries, oldest due first, each with its profile, and the
    unloadable ones, whose failed attempt is recorded instead of the whole batch crashing the
    worker again and again."""

    deliveries: list[Delivery]
    unloadable: list[UnloadableDelivery]

    def __len__(self) -> int:
        return len(self.deliveries) + len(self.unloadable)


NOTHING = Claim(deliveries=[], unloadable=[])


def _claim(candidates: QuerySet[Delivery], *, worker_id: str, limit: int,
           now: datetime) -> Claim:
    """One `UPDATE … WHERE id IN (SELECT … LIMIT n [FOR UPDATE SKIP LOCKED]) RETURNING id`,
    then the claimed rows are loaded. A single statement is its own transaction."""
    if limit <= 0:
        return NOTHING
    if connection.vendor == "sqlite" and not candidates.exists():
        return NOTHING  # an idle poll must not take SQLite's write lock
    subquery = candidates.order_by("next_attempt_at").values("pk")[:limit]
    sub_sql, sub_params = subquery.query.sql_with_params()
    quote = connection.ops.quote_name
    table = quote(Delivery._meta.db_table)
    assignments = (f"{quote('status')} = %s, {quote('claimed_at')} = %s, "
                   f"{quote('claimed_by')} = %s, {quote('updated_at')} = %s")
    stamp = Delivery._meta.get_field("claimed_at").get_db_prep_value(now, connection)
    values = [DeliveryStatus.SENDING.value, stamp, worker_id, stamp]
    pending = DeliveryStatus.PENDING.value
    if connection.features.has_select_for_update_skip_locked:
        # A MATERIALIZED CTE runs the locking SELECT exactly once; inside `IN (…)` PostgreSQL
        # may re-run it per row and claim more than `limit`. SKIP LOCKED: concurrent workers
        # take disjoint rows without waiting on each other.
        sql = (f"WITH claim (id) AS MATERIALIZED ({sub_sql} FOR UPDATE SKIP LOCKED) "
               f"UPDATE {table} AS d SET {assignments} FROM claim "
               f"WHERE d.{quote('id')} = claim.{quote('id')} AND d.{quote('status')} = %s "
               f"RETURNING d.{quote('id')}")
        params = [*sub_params, *values, pending]
    else:
        sql = (f"UPDATE {table} SET {assignments} WHERE {quote('id')} IN ({sub_sql}) "
               f"AND {quote('status')} = %s RETURNING {quote('id')}")
        params = [*values, *sub_params, pending]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        ids = [row[0] for row in cursor.fetchall()]
    if not ids:
        return NOTHING
    claimed = Delivery.objects.filter(pk__in=ids, claimed_by=worker_id)
    deliveries, unloadable = _load(claimed)
    _attach_profiles(deliveries)
    deliveries.sort(key=lambda d: (d.next_attempt_at, str(d.pk)))
    return Claim(deliveries=deliveries, unloadable=unloadable)


def _attach_profiles(deliveries: list[Delivery]) -> None:
    """One profile object per profile, shared by its deliveries (its secrets decrypted once)."""
    wanted = {d.profile_id for d in deliveries if d.profile_id}
    profiles = {p.pk: p for p in CallbackProfile.objects.filter(pk__in=wanted)
                .select_related("auth")} if wanted else {}
    for delivery in deliveries:
        if delivery.profile_id in profiles:
            delivery.profile = profiles[delivery.profile_id]


# What a delivery that cannot be loaded still needs to have its failure recorded.
_MINIMAL_FIELDS = ("id", "account_id", "profile_id", "event", "attempt_count", "webhook_id",
                   "status", "next_attempt_at", "claimed_by")


def _load(claimed: QuerySet[Delivery]) -> tuple[list[Delivery], list[UnloadableDelivery]]:
    """The claimed rows, and apart those whose stored secrets no longer decrypt."""
    try:
        return list(claimed), []
    except ValueError:
        pass
    loaded, unloadable = [], []
    for pk in claimed.values_list("pk", flat=True):
        try:
            loaded.append(claimed.get(pk=pk))
        except ValueError as exc:
            minimal = Delivery.objects.only(*_MINIMAL_FIELDS).get(pk=pk)
            unloadable.append(UnloadableDelivery(delivery=minimal, error=str(exc)))
    return loaded, unloadable


def claim_due(
    *, worker_id: str, limit: int, now: datetime, exclude_profiles: Collection[int] = (),
    only_profile: int | None = None,
) -> Claim:
    """Claim up to `limit` due deliveries, oldest due first, skipping the given profiles."""
    due = Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
    if only_profile is not None:
        due = due.filter(profile_id=only_profile)
    if exclude_profiles:
        due = due.exclude(profile_id__in=list(exclude_profiles))
    return _claim(due, worker_id=worker_id, limit=limit, now=now)


def claim_ids(*, worker_id: str, ids: Iterable[uuid.UUID | str], now: datetime) -> Claim:
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
