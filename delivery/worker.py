"""Running background work in-process: for tests, `manage.py delivery_sweep --run-queued`.

Production runs `db_worker` or `rqworker` (see tasks.py); this module only drains what is
ready right now, synchronously, so a test can assert what a real receiver got.
"""

from __future__ import annotations

import logging

from django.utils import timezone

from .models import Delivery, DeliveryStatus

logger = logging.getLogger(__name__)


class QueuedTaskFailed(RuntimeError):
    """A task raised while being drained; carries the worker's traceback."""


def _run_ready_db_tasks(*, include_future: bool) -> int:
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(
        queue_names=["*"], interval=0, batch=True, backend_name="default",
        startup_delay=False, max_tasks=None, worker_id="in-process",
        excluded_queue_names=[],
    )
    ran = 0
    queued = DBTaskResult.objects.filter(status="READY") if include_future \
        else DBTaskResult.objects.ready()
    for result in list(queued):
        claimed = DBTaskResult.objects.filter(pk=result.pk, status="READY").update(
            status="RUNNING", started_at=timezone.now()
        )
        if not claimed:
            continue
        result.refresh_from_db()
        worker.run_task(result)
        result.refresh_from_db()
        ran += 1
        if result.status == "FAILED":
            raise QueuedTaskFailed(f"task {result.task_path} failed:\n{result.traceback}")
    return ran


def _attempt_due_deliveries() -> int:
    from .services import delivery_attempt

    due = Delivery.objects.filter(
        status=DeliveryStatus.PENDING, next_attempt_at__lte=timezone.now()
    ).values_list("pk", flat=True)
    ran = 0
    for pk in list(due):
        if delivery_attempt(delivery_id=pk) is not None:
            ran += 1
    return ran


def run_queued_tasks(*, include_future: bool = True, max_rounds: int = 100) -> int:
    """Run queued database-backend tasks and due deliveries until nothing is left; return count.

    `include_future` runs tasks scheduled for later too (an SMS settle delay), as if the time
    had come. Deliveries stay governed by `next_attempt_at`: an early retry task finds its
    delivery not due and does nothing (the claim checks it). Due deliveries are attempted
    directly as well, because a task enqueued with `transaction.on_commit` never exists inside
    a test's rolled-back transaction, and a retry "due now" (a test moved `next_attempt_at`
    into the past) has its task scheduled later.
    """
    from django.conf import settings

    use_db_tasks = "django_tasks_db" in str(settings.TASKS.get("default", {}).get("BACKEND", ""))
    total = 0
    for _ in range(max_rounds):
        ran = _attempt_due_deliveries()
        if use_db_tasks:
            ran += _run_ready_db_tasks(include_future=include_future)
        if not ran:
            return total
        total += ran
    raise RuntimeError(f"tasks still queued after {max_rounds} rounds (a task loop?)")
