"""What operators see of the carriers (delivery_status, /readyz, /metrics): binds, the
outstanding window, submits and receipts per second over the last RATE_SECONDS, and the
unsubmitted queue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Min
from django.utils import timezone

from sms.models import BindLease, Carrier, Message, MessagePart, SubmitState

RATE_SECONDS = 10


@dataclass(frozen=True)
class CarrierStatus:
    name: str
    binds: list[BindLease]
    binds_up: int
    outstanding: int
    unsubmitted: int
    oldest_unsubmitted_age_seconds: float | None
    submits_per_second: float
    receipts_per_second: float


def carrier_status() -> list[CarrierStatus]:
    now = timezone.now()
    since = now - timedelta(seconds=RATE_SECONDS)
    found = []
    for carrier in Carrier.objects.filter(active=True):
        live = [lease for lease in BindLease.objects.filter(carrier=carrier)
                if lease.holder and lease.expires_at > now]
        waiting = Message.objects.filter(
            carrier=carrier, submit_state__in=[SubmitState.QUEUED, SubmitState.SUBMITTING]
        ).aggregate(n=Count("pk"), oldest=Min("sent_at"))
        parts = MessagePart.objects.filter(message__carrier=carrier)
        submits = parts.filter(submitted_at__gte=since).count()
        receipts = parts.filter(receipt_at__gte=since).count()
        found.append(CarrierStatus(
            name=carrier.name, binds=live,
            binds_up=sum(1 for lease in live if lease.state == "bound"),
            outstanding=sum(lease.outstanding for lease in live),
            unsubmitted=waiting["n"],
            oldest_unsubmitted_age_seconds=(now - waiting["oldest"]).total_seconds()
            if waiting["oldest"] else None,
            submits_per_second=submits / RATE_SECONDS,
            receipts_per_second=receipts / RATE_SECONDS,
        ))
    return found

