"""Settling sent messages: the carrier simulator's delivery reports, applied by the worker.

The Message table is the queue: a message is due once `settle_after` has passed and stays due
until a transaction that settles it commits. A worker killed mid-settlement rolls back, so the
message is simply settled by the next pass (nothing is lost, nothing is reported twice). On
PostgreSQL concurrent workers lock disjoint batches (`FOR UPDATE SKIP LOCKED`).
"""

from __future__ import annotations

from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

from delivery.profile_render import ProfileInputs

from .models import Message, SubmitState
from .services import apply_carrier_reports

BATCH = 100


def settle_due_messages(*, now: datetime | None = None, limit: int = BATCH) -> int:
    """Settle up to `limit` due messages in one short transaction (a SELECT, one INSERT of
    their callbacks, one UPDATE); how many were settled."""
    now = now or timezone.now()
    # A real carrier's message being submitted right now is left to its bind.
    due = (Message.objects.filter(settled_at__isnull=True, settle_after__lte=now)
           .exclude(submit_state=SubmitState.SUBMITTING))
    if not due.exists():  # the common idle poll: no transaction, no lock
        return 0
    with transaction.atomic():
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True, of=("self",))
        messages = list(due.select_related("callback_profile").order_by("settle_after")[:limit])
        # Each profile's settings are read once per batch.
        apply_carrier_reports(messages, inputs=ProfileInputs())
    return len(messages)
