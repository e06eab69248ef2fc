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

from django.db import transaction
from django.db.models import Case, Value, When

from .. import policy
from ..models import Delivery, DeliveryAttempt, DeliveryStatus
from . import health
from .attempt import Outcome

logger = logging.getLogger(__name__)

_ROWS_PER_UPDATE = 50  # keeps the CASE expressions well under SQLite's variable limit


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
    delay = None if outcome.succeeded or outcome.permanent else policy.retry_delay(number)
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


def update_held(rows: dict[uuid.UUID, dict[str, Any]], *, worker_id: str) -> int:
    """Apply per-row changes to the deliveries this worker still holds; how many changed."""
    updated = 0
    items = list(rows.items())
    for start in range(0, len(items), _ROWS_PER_UPDATE):
        chunk = dict(items[start:start + _ROWS_PER_UPDATE])
        names = {name for change in chunk.values() for name in change}
        assignments = {}
        for name in names:
            field = Delivery._meta.get_field(name)
            assignments[name] = Case(
                *[When(pk=pk, then=Value(change[name], output_field=field))
                  for pk, change in chunk.items()],
                output_field=field,
            )
        updated += Delivery.objects.filter(
            pk__in=list(chunk), status=DeliveryStatus.SENDING, claimed_by=worker_id
        ).update(**assignments)
    return updated


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
        if "profile" in delivery._state.fields_cache:
            profiles[delivery.profile_id] = delivery.profile
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
        changes = [health.apply(profiles.get(pk), report, now=now)
                   for pk, report in reports.items()]
    if held < len(rows):
        logger.warning("%s of %s deliveries were re-queued by the sweep during their attempt",
                       len(rows) - held, len(rows))
    for outcome in outcomes:
        _log_attempt(outcome)
    return [change for change in changes if change is not None]


def _log_attempt(outcome: Outcome) -> None:
    delivery = outcome.prepared.delivery
    logger.info(
        "attempt delivery=%s profile=%s number=%s status_code=%s latency_ms=%s outcome=%s%s",
        delivery.pk, delivery.profile_id, delivery.attempt_count + 1,
        outcome.result.status_code if outcome.result else None, outcome.latency_ms,
        "succeeded" if outcome.succeeded else "failed",
        f" error={outcome.error!r}" if outcome.error else "",
    )


def finish_skipped(deliveries: Iterable[tuple[Delivery, str]], *, worker_id: str,
                   now: datetime) -> int:
    """Deliveries of a disabled or deleted profile: logged as skipped, never sent."""
    rows = {
        delivery.pk: {"status": DeliveryStatus.SKIPPED, "last_error": reason,
                      "completed_at": now, "next_attempt_at": None, "claimed_by": "",
                      "updated_at": now}
        for delivery, reason in deliveries
    }
    return update_held(rows, worker_id=worker_id) if rows else 0
