"""Running background work in-process for tests: the `run_tasks()` fixture.

It drives the product's own code, exactly as `bin/worker` does, only synchronously: SMS
settlement (sms.settlement), the delivery engine's claim → send → record rounds
(delivery.engine.Engine, real sender threads and a real HTTP client), and queued django-tasks
(database backend), until nothing is left.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from delivery.engine.worker_engine import Engine
from sms.models import Message
from sms.services import apply_carrier_reports
from sms.settlement import settle_due_messages

FAR_FUTURE = timedelta(days=365 * 100)


def settle_message_now(*, message_pk: int) -> Message | None:
    """Settle one message now, whatever its `settle_after`, as the worker settles a batch
    (sms.settlement); an already settled (or missing) message is left alone (None)."""
    with transaction.atomic():
        message = (
            Message.objects.select_for_update(of=("self",))
            .select_related("callback_profile")
            .filter(pk=message_pk, settled_at__isnull=True)
            .first()
        )
        if message is None:
            return None
        apply_carrier_reports([message])
    return message


class QueuedTaskFailed(RuntimeError):
    """A background task raised while being drained; carries the worker's traceback."""


def _run_ready_tasks(*, include_future: bool) -> int:
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(
        queue_names=["*"], interval=0, batch=True, backend_name="default",
        startup_delay=False, max_tasks=None, worker_id="in-process",
        excluded_queue_names=[],
    )
    queued = DBTaskResult.objects.filter(status="READY") if include_future \
        else DBTaskResult.objects.ready()
    ran = 0
    for result in list(queued):
        if not DBTaskResult.objects.filter(pk=result.pk, status="READY").update(
            status="RUNNING", started_at=timezone.now()
        ):
            continue
        result.refresh_from_db()
        worker.run_task(result)
        result.refresh_from_db()
        ran += 1
        if result.status == "FAILED":
            raise QueuedTaskFailed(f"task {result.task_path} failed:\n{result.traceback}")
    return ran


def _run_deliveries(engine: Engine) -> int:
    ran = 0
    while True:
        ran += engine.step()
        if not engine.busy:
            return ran
        engine.wait(0.01)


def run_background_work(*, include_future: bool = True, max_rounds: int = 100,
                        concurrency: int = 16) -> int:
    """Settle due SMS (all unsettled ones with `include_future`), attempt due deliveries and
    run queued tasks, round after round until a round finds nothing; return how much ran."""
    engine = Engine(worker_id="in-process", concurrency=concurrency)
    total = 0
    try:
        for _ in range(max_rounds):
            now = timezone.now()
            ran = settle_due_messages(now=now + FAR_FUTURE if include_future else now,
                                      limit=1000)
            ran += _run_deliveries(engine)
            ran += _run_ready_tasks(include_future=include_future)
            if not ran:
                return total
            total += ran
    finally:
        engine.close()
    raise RuntimeError(f"background work still queued after {max_rounds} rounds (a loop?)")
