"""Writing a batch of outcomes: every attempt logged, every delivery finished or rescheduled,
every endpoint's health updated, all in one transaction (one commit per batch, not several
per attempt).

A delivery row is only updated while this worker still holds it (SENDING, claimed by us): if
the sweep gave it away because we looked dead, the attempt is still logged but the row belongs
to its new holder.
"""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import connection, transaction

from alerts.models import AlertKind
from alerts.services import alert_raise
from common.bulk_update import update_rows

from .. import metrics, policy
from ..attempt_log import log_attempt
from ..models import Delivery, DeliveryAttempt, DeliveryStatus
from . import health
from .attempt import Outcome

logger = logging.getLogger(__name__)



def _changes(outcome: Outcome, *, now: datetime) -> dict[str, Any]:
    delivery = outcome.prepared.delivery
    number = delivery.attempt_count + 1
    result = outcome.result
    changes: dict[str, Any] = {
        "attempt_count": number,
        "last_status_code": result.status_code if result else None,
        "last_latency_ms": result.latency_ms if result else None,
        "last_error": outcome.error,
        "claimed_by": "",
        "updated_at": now,
    }
    asked = policy.retry_after(result.status_code, result.headers, now=now) if result else None
    delay = None if outcome.succeeded or outcome.permanent else \
        policy.retry_delay(number, asked=asked)
    if outcome.succeeded:
        changes.update(status=DeliveryStatus.SUCCEEDED, completed_at=now, next_attempt_at=None)
    elif delay is None:
        changes.update(status=DeliveryStatus.FAILED, completed_at=now, next_attempt_at=None)
    else:
        changes.update(status=DeliveryStatus.PENDING, completed_at=None,
                       next_attempt_at=now + delay)
    return changes


def _attempt_row(outcome: Outcome) -> DeliveryAttempt:
    result = outcome.result
    return DeliveryAttempt(
        delivery_id=outcome.prepared.delivery.pk,
        number=outcome.prepared.delivery.attempt_count + 1,
        started_at=outcome.started_at,
        status_code=result.status_code if result else None,
        latency_ms=result.latency_ms if result else None,
        succeeded=outcome.succeeded,
        error=outcome.error,
        response_excerpt=result.body_excerpt if result else "",
        response_headers=dict(result.headers) if result else {},
    )


_HELD_COLUMNS = ("status", "attempt_count", "last_status_code", "last_latency_ms", "last_error",
                 "claimed_by", "updated_at", "completed_at", "next_attempt_at")


def update_held(rows: dict[uuid.UUID, dict[str, Any]], *, worker_id: str) -> int:
    """Apply each row's new values (every column of `_HELD_COLUMNS`) to the deliveries this
    worker still holds; how many changed (one statement: common/bulk_update.py)."""
    quote = connection.ops.quote_name
    return update_rows(
        Delivery, rows, _HELD_COLUMNS,
        guard="{t}" + quote("status") + " = %s AND {t}" + quote("claimed_by") + " = %s",
        guard_params=[DeliveryStatus.SENDING.value, worker_id],
    )


def record(outcomes: Iterable[Outcome], *, worker_id: str,
           now: datetime) -> list[health.HealthChange]:
    outcomes = list(outcomes)
    if not outcomes:
        return []
    reports: dict[int, health.EndpointReport] = defaultdict(health.EndpointReport)
    profiles = {}
    for outcome in outcomes:
        delivery = outcome.prepared.delivery
        if delivery.profile_id is None:
            continue
        if outcome.prepared.profile is not None:
            profiles[delivery.profile_id] = outcome.prepared.profile
        report = reports[delivery.profile_id]
        if outcome.succeeded:
            report.successes += 1
            continue
        report.failures += 1
        report.first_failure_at = min(filter(None, [report.first_failure_at,
                                                    outcome.started_at]))
        if outcome.endpoint_failure:
            report.endpoint_failures += 1
        elif outcome.result is not None:
            report.answered += 1

    with transaction.atomic():
        DeliveryAttempt.objects.bulk_create([_attempt_row(o) for o in outcomes])
        rows = {o.prepared.delivery.pk: _changes(o, now=now) for o in outcomes}
        held = update_held(rows, worker_id=worker_id)
        changes = [change for pk, report in reports.items()
                   if (change := health.apply(profiles.get(pk), report, now=now))]
        for outcome in outcomes:
            if rows[outcome.prepared.delivery.pk]["status"] == DeliveryStatus.FAILED:
                _alert_final_failure(outcome)
        for change in changes:
            _alert_health(change, profiles.get(change.profile_pk))
    for outcome in outcomes:  # after the commit: the write lock is not held while logging
        _report(outcome)
    if held < len(rows):
        logger.warning("%s of %s deliveries were re-queued by the sweep during their attempt",
                       len(rows) - held, len(rows))
    return changes


def _report(outcome: Outcome) -> None:
    """The operator's view of one attempt: a metric and a structured log line."""
    delivery = outcome.prepared.delivery
    status = "succeeded" if outcome.succeeded else "failed"
    metrics.observe_attempt(
        event=delivery.event, outcome=status,
        latency_seconds=outcome.latency_ms / 1000 if outcome.latency_ms is not None else None,
    )
    profile = outcome.prepared.profile
    log_attempt(
        profile_id=profile.profile_id if profile else str(delivery.profile_id),
        delivery_id=str(delivery.pk), event=delivery.event,
        attempt=delivery.attempt_count + 1, outcome=status,
        status_code=outcome.result.status_code if outcome.result else None,
        latency_ms=outcome.latency_ms, error=outcome.error,
    )


def _alert_final_failure(outcome: Outcome) -> None:
    """The customer's alert for a delivery that has used up its retries."""
    delivery, profile = outcome.prepared.delivery, outcome.prepared.profile
    if profile is not None:
        alert_raise(profile=profile, kind=AlertKind.DELIVERY_FAILED,
                    detail=f"A {delivery.event} callback failed after "
                           f"{delivery.attempt_count + 1} attempts: {outcome.error}")


def _alert_health(change: health.HealthChange, profile) -> None:
    if profile is None:
        return
    if change.auto_disabled:
        alert_raise(profile=profile, kind=AlertKind.PROFILE_AUTO_DISABLED,
                    detail=profile.disabled_reason)
    if change.recovered:
        alert_raise(profile=profile, kind=AlertKind.PROFILE_RECOVERED,
                    detail="Callbacks are being delivered again.")


def finish_skipped(deliveries: Iterable[tuple[Delivery, str]], *, worker_id: str,
                   now: datetime) -> int:
    """Deliveries of a disabled or deleted profile: logged as skipped, never sent."""
    by_reason: dict[str, list[uuid.UUID]] = defaultdict(list)
    for delivery, reason in deliveries:
        by_reason[reason].append(delivery.pk)
    return sum(
        Delivery.objects.filter(pk__in=ids, status=DeliveryStatus.SENDING, claimed_by=worker_id)
        .update(status=DeliveryStatus.SKIPPED, last_error=reason, completed_at=now,
                next_attempt_at=None, claimed_by="", updated_at=now)
        for reason, ids in by_reason.items()
    )
