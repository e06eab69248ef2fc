"""One worker process (`bin/worker`): every kind of background work a deployment needs.

- callback deliveries, many in flight (delivery.engine.Engine);
- SMS settlement: the carrier simulator's delivery reports (sms.settlement);
- the recovery sweep (deliveries of dead workers) and heartbeats, every few seconds;
- retention (ops.retention: records older than DELIVERY_RETENTION_DAYS), hourly;
- other background tasks (django-tasks, database backend) in one extra thread.

It sleeps until work arrives: PostgreSQL `NOTIFY` or an in-process wake-up, with a short poll
as the fallback (`DELIVERY_POLL_INTERVAL`). Run as many as you like, on one host or many.
SIGTERM (or SIGINT) drains: no new work is taken, attempts in flight finish and are recorded,
claimed-but-unsent deliveries go back to the queue, then the process exits 0.
"""

from __future__ import annotations

import logging
import os
import secrets
import signal
import socket
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from delivery.engine import wakeup
from delivery.engine.worker_engine import Engine
from delivery.services.dead_worker_sweep import delivery_sweep
from delivery.services.heartbeat import heartbeat_beat, heartbeat_remove
from ops.retention import prune_old_records
from sms.settlement import settle_due_messages

logger = logging.getLogger(__name__)

HEARTBEAT_EVERY = 5.0
SWEEP_EVERY = 10.0
PRUNE_EVERY = 3600.0
TASKS_POLL_INTERVAL = 1.0


def new_worker_id() -> str:
    return f"worker:{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(3)}"


class _Every:
    """Run `action` at most once per `seconds`."""

    def __init__(self, seconds: float, action: Callable[[], object]) -> None:
        self.seconds, self.action, self.last = seconds, action, 0.0

    def __call__(self) -> None:
        if time.monotonic() - self.last >= self.seconds:
            self.last = time.monotonic()
            self.action()


class _TaskRunner(threading.Thread):
    """django-tasks' own database worker, run in a thread of this process."""

    def __init__(self, worker_id: str) -> None:
        super().__init__(name="background-tasks", daemon=True)
        from django_tasks_db.management.commands.db_worker import Worker

        self.worker = Worker(
            queue_names=["*"], interval=TASKS_POLL_INTERVAL, batch=False, backend_name="default",
            startup_delay=False, max_tasks=None, worker_id=worker_id, excluded_queue_names=[],
        )

    def run(self) -> None:
        try:
            self.worker.run()
        finally:
            connection.close()

    def stop(self) -> None:
        self.worker.running = False


class WorkerProcess:
    def __init__(self, *, concurrency: int | None = None,
                 poll_interval: float | None = None) -> None:
        self.worker_id = new_worker_id()
        self.engine = Engine(worker_id=self.worker_id, concurrency=concurrency)
        default_poll = 0.5 if connection.vendor == "postgresql" else 0.05
        self.poll_interval = poll_interval or float(
            settings.DELIVERY_POLL_INTERVAL or default_poll)
        self.started_at = timezone.now()
        self.stopping = threading.Event()
        self.periodic = [
            _Every(HEARTBEAT_EVERY, self.beat),
            _Every(SWEEP_EVERY, delivery_sweep),
            _Every(PRUNE_EVERY, prune_old_records),  # retention: idempotent, in batches
        ]

    def beat(self) -> None:
        heartbeat_beat(worker_id=self.worker_id, started_at=self.started_at,
                       in_flight=self.engine.in_flight,
                       endpoints=self.engine.in_flight_by_profile(),
                       stopping=self.stopping.is_set())

    def request_stop(self, signum: int | None = None, frame: object = None) -> None:
        self.stopping.set()
        wakeup.WORK_ARRIVED.set()

    def install_signal_handlers(self) -> None:
        signal.signal(signal.SIGTERM, self.request_stop)
        signal.signal(signal.SIGINT, self.request_stop)

    def run(self) -> None:
        logger.info("Worker %s starting (concurrency %s)", self.worker_id,
                    self.engine.concurrency)
        helpers: list = [_TaskRunner(self.worker_id)]
        if connection.vendor == "postgresql":
            helpers.append(wakeup.Listener())
        for helper in helpers:
            helper.start()
        try:
            while not self.stopping.is_set():
                worked = self._round()
                if not worked and not self.stopping.is_set():
                    self.engine.wait(self.poll_interval)
            logger.info("Worker %s draining %s attempts in flight", self.worker_id,
                        self.engine.in_flight)
            self.beat()
            self.engine.drain()
        finally:
            for helper in helpers:
                helper.stop()
            self.engine.close()
            heartbeat_remove(worker_id=self.worker_id)
            logger.info("Worker %s stopped", self.worker_id)

    def _round(self) -> int:
        try:
            for job in self.periodic:
                job()
            return settle_due_messages() + self.engine.step()
        except DatabaseError:
            # A database restart or a dropped connection: reconnect on the next round.
            logger.exception("Database error in the worker loop; retrying shortly")
            connection.close()
            self.stopping.wait(1.0)
            return 0
