"""At most `binds` sessions per carrier across every worker: one BindLease row per slot.

A worker takes a slot whose lease lapsed (or was never held) with one conditional UPDATE, which
either database runs atomically, and renews it every RENEW_EVERY seconds; a worker that dies
stops renewing and another takes the slot within LEASE_SECONDS. A holder that fails to renew
(it lost the slot) closes its session.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from sms.models import BindLease

LEASE_SECONDS = 6.0
RENEW_EVERY = 1.5


def _ensure_slots(carrier_id: int, binds: int) -> None:
    have = set(BindLease.objects.filter(carrier_id=carrier_id).values_list("slot", flat=True))
    for slot in range(binds):
        if slot not in have:
            try:
                with transaction.atomic():
                    BindLease.objects.create(carrier_id=carrier_id, slot=slot)
            except IntegrityError:
                pass  # another worker made it


def acquire(*, carrier_id: int, binds: int, holder: str) -> int | None:
    """Take a free slot of the carrier's first `binds` for `holder`; its number, or None."""
    _ensure_slots(carrier_id, binds)
    now = timezone.now()
    for slot in range(binds):
        taken = BindLease.objects.filter(
            Q(expires_at__lte=now) | Q(holder=""), carrier_id=carrier_id, slot=slot,
        ).update(holder=holder, expires_at=now + timedelta(seconds=LEASE_SECONDS),
                 state="binding", outstanding=0, detail="", updated_at=now)
        if taken:
            return slot
    return None


def renew(*, carrier_id: int, slot: int, holder: str, state: str, outstanding: int,
          detail: str = "") -> bool:
    """Extend the lease and publish the session's state; False when the slot was lost."""
    now = timezone.now()
    return bool(BindLease.objects.filter(carrier_id=carrier_id, slot=slot, holder=holder).update(
        expires_at=now + timedelta(seconds=LEASE_SECONDS), state=state,
        outstanding=outstanding, detail=detail[:200], updated_at=now))


def release(*, carrier_id: int, slot: int, holder: str) -> None:
    BindLease.objects.filter(carrier_id=carrier_id, slot=slot, holder=holder).update(
        holder="", expires_at=timezone.now(), state="down", outstanding=0,
        updated_at=timezone.now())


def live_binds(carrier_id: int) -> int:
    """Sessions of the carrier held right now (how many share its tps)."""
    return BindLease.objects.filter(carrier_id=carrier_id, holder__gt="",
                                    expires_at__gt=timezone.now()).count()
