"""Background work of the SMS app: the carrier simulator's delivery reports."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task


@task(queue_name="default")
def settle_messages(message_pks: list[int]) -> int:
    """Settle the messages of one send request; returns how many were settled now."""
    from .services import message_settle

    return sum(1 for pk in message_pks if message_settle(message_pk=pk) is not None)


def schedule_settlement(message_pks: list[int]) -> None:
    """Queue the delivery reports `SMS_DLR_DELAY_SECONDS` from now (0: as soon as possible)."""
    delay = float(getattr(settings, "SMS_DLR_DELAY_SECONDS", 0) or 0)
    runner = settle_messages
    if delay > 0 and runner.get_backend().supports_defer:
        runner = runner.using(run_after=timezone.now() + timedelta(seconds=delay))
    runner.enqueue(message_pks)
