"""Recover: "resend every failed delivery of this profile since T" (as Svix's recover).

Bounded: at most RECOVER_MAX_DELIVERIES per run, T at most RECOVER_MAX_AGE_DAYS back.
Idempotent: each copy is made like `delivery_resend` (same request, same webhook-id) and marked
`source_type="recover"`, `source_id=<original id>`; an original whose copy is pending, sending
or succeeded is not copied again, so running recover twice sends each failed delivery once.
(An original whose copy failed too is copied again: it still has not got through.)
Copies are never themselves recovered. Each batch commits on its own, so a run cut short can
simply be run again; its progress is the statuses of its copies.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from common.errors import InvalidInput, Issue
from profiles.models import CallbackProfile

from ..models import Delivery, DeliveryStatus, RecoverRun, RecoverStatus
from .outbox import delivery_resend

RECOVER_SOURCE = "recover"
BATCH = 200
# A copy in one of these states means its original is taken care of.
_RECOVERED_STATES = (DeliveryStatus.PENDING, DeliveryStatus.SENDING, DeliveryStatus.SUCCEEDED)


def _validate(profile: CallbackProfile, since: datetime, now: datetime) -> None:
    profile.refresh_from_db(fields=["status"])
    oldest = now - timedelta(days=settings.RECOVER_MAX_AGE_DAYS)
    if since > now:
        raise InvalidInput([Issue("since", "must not be in the future")])
    if since < oldest:
        raise InvalidInput([Issue(
            "since", f"must be within the last {settings.RECOVER_MAX_AGE_DAYS} days")])
    if not profile.is_active:
        raise InvalidInput([Issue(
            "profile", "is not active: enable it before recovering its deliveries")])
    running = RecoverRun.objects.filter(
        profile=profile, status=RecoverStatus.RUNNING, started_at__gte=now - timedelta(minutes=5)
    )
    if running.exists():
        raise InvalidInput([Issue("profile", "already has a recover running")])


def _failed_originals(profile: CallbackProfile, since: datetime):
    return (Delivery.objects.filter(profile=profile, status=DeliveryStatus.FAILED,
                                    created_at__gte=since)
            .exclude(source_type=RECOVER_SOURCE)
            .order_by("created_at", "pk"))


def _already_recovered(profile: CallbackProfile, ids: list[str]) -> set[str]:
    return set(Delivery.objects.filter(
        profile=profile, source_type=RECOVER_SOURCE, source_id__in=ids,
        status__in=_RECOVERED_STATES,
    ).values_list("source_id", flat=True))


def _start(profile: CallbackProfile, since: datetime) -> RecoverRun:
    """Validate and record the run; the profile row lock makes "one run at a time" hold."""
    now = timezone.now()
    with transaction.atomic():
        CallbackProfile.objects.select_for_update().filter(pk=profile.pk).first()
        _validate(profile, since, now)
        return RecoverRun.objects.create(account_id=profile.account_id, profile=profile,
                                         since=since, started_at=now)


def _resend_batch(run: RecoverRun, batch: list[Delivery], limit: int) -> None:
    done = _already_recovered(run.profile, [str(d.pk) for d in batch])
    with transaction.atomic():
        for original in batch:
            run.found += 1
            if str(original.pk) in done:
                run.already_recovered += 1
            elif run.resent >= limit:
                run.truncated = True
                break
            else:
                copy = delivery_resend(delivery=original)
                Delivery.objects.filter(pk=copy.pk).update(source_type=RECOVER_SOURCE)
                run.resent += 1
        run.save(update_fields=["found", "resent", "already_recovered", "truncated"])


def recover_failed_deliveries(*, profile: CallbackProfile, since: datetime) -> RecoverRun:
    """Resend the profile's failed deliveries created at or after `since`; the finished run.

    Raises InvalidInput for a bad `since`, an inactive profile or a run already going.
    """
    run = _start(profile, since)
    limit = settings.RECOVER_MAX_DELIVERIES
    originals = _failed_originals(profile, since).select_related("profile")
    after: tuple[datetime, object] | None = None
    try:
        while not run.truncated:
            page = originals
            if after is not None:  # keyset pagination: the table may be large
                page = page.filter(created_at__gte=after[0]).exclude(
                    created_at=after[0], pk__lte=after[1])
            batch = list(page[:BATCH])
            if not batch:
                break
            after = (batch[-1].created_at, batch[-1].pk)
            _resend_batch(run, batch, limit)
    except InvalidInput as exc:  # the profile was disabled meanwhile
        run.status = RecoverStatus.FAILED
        run.error = "; ".join(f"{i.field} {i.message}" for i in exc.issues)[:300]
    else:
        run.status = RecoverStatus.DONE
    run.finished_at = timezone.now()
    run.save()
    return run


@dataclass(frozen=True)
class RecoverProgress:
    pending: int
    succeeded: int
    failed: int

    @property
    def finished(self) -> bool:
        return self.pending == 0


def recover_progress(*, run: RecoverRun) -> RecoverProgress:
    """How the run's copies are doing: pending (incl. sending and retrying), succeeded, failed."""
    copies = Delivery.objects.filter(profile_id=run.profile_id, source_type=RECOVER_SOURCE,
                                     created_at__gte=run.started_at)
    if run.finished_at is not None:
        copies = copies.filter(created_at__lte=run.finished_at)
    counts = dict(copies.order_by().values_list("status").annotate(n=Count("pk")))
    return RecoverProgress(
        pending=counts.get(DeliveryStatus.PENDING, 0) + counts.get(DeliveryStatus.SENDING, 0),
        succeeded=counts.get(DeliveryStatus.SUCCEEDED, 0),
        failed=counts.get(DeliveryStatus.FAILED, 0) + counts.get(DeliveryStatus.SKIPPED, 0),
    )
