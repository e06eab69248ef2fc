"""Attempting one delivery by id, now, in this thread: the engine's own claim → send → record
path for a batch of one (tests, and anything that must send a specific delivery right away).
Workers go through `delivery.engine.Engine`, which uses the same pieces with many in flight.
"""

from __future__ import annotations

import uuid

from django.utils import timezone

from ..models import Delivery
from .outbox import _skip_reason
from .sending import _transport_options

ONE_OFF_WORKER = "one-off"


def delivery_attempt(*, delivery_id: uuid.UUID | str) -> Delivery | None:
    """Claim and send one due delivery; `None` when another worker has it or it is not due."""
    from ..engine import attempt, claims, recording

    now = timezone.now()
    claim = claims.claim_ids(worker_id=ONE_OFF_WORKER, ids=[delivery_id], now=now)
    if not claim:
        return None
    if claim.unloadable:
        broken = claim.unloadable[0]
        delivery = broken.delivery
        recording.record([attempt.unloadable(broken, now=now)], worker_id=ONE_OFF_WORKER,
                         now=timezone.now())
    else:
        delivery = claim.deliveries[0]
        reason = _skip_reason(delivery.profile)
        if reason:
            recording.finish_skipped([(delivery, reason)], worker_id=ONE_OFF_WORKER, now=now)
        else:
            prepared = attempt.prepare(delivery, options=_transport_options(),
                                       cache=attempt.ProfileCache())
            outcome = attempt.perform(prepared)
            recording.record([outcome], worker_id=ONE_OFF_WORKER, now=timezone.now())
    delivery.refresh_from_db()
    return delivery
