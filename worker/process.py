"""One worker process (`bin/worker`): every kind of background work a deployment needs.

- callback deliveries, many in flight (delivery.engine.Engine);
- SMS settlement: the carrier simulator's delivery reports (sms.settlement);
- SMPP sessions to real carriers, one thread per bind (worker.carriers, sms.smpp);
- the recovery sweep (deliveries of dead workers) and heartbeats, every few seconds;
- retention (ops.retention: records older than DELIVERY_RETENTION_DAYS), hourly;
- other background tasks (django-tasks, database backend) in one extra thread.

It sleeps until work arrives: PostgreSQL `NOTIFY`, a datagram on its local socket (SQLite), or
an in-process wake-up, with a poll as the fallback (`DELIVERY_POLL_INTERVAL`).
Run as many as you like, on one host or many.
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
from django.db import DatabaseError, InterfaceError, connection
from django.utils import timezone

from delivery.engine import local_wakeup, wakeup
from delivery.engine.worker_engine import Engine
from delivery.services.dead_worker_sweep import delivery_sweep
from delivery.services.heartbeat import heartbeat_beat, heartbeat_remove
from ops.retention import prune_old_records
from sms.settlement import BATCH as SETTLE_BATCH
from sms.settlement import settle_due_messages

from .carriers import SUPERVISE_EVERY, CarrierSessions

logger = logging.getLogger(__name__)

HEARTBEAT_EVERY = 5.0
SWEEP_EVERY = 10.0
PRUNE_EVERY = 3600.0
TASKS_POLL_INTERVAL = 1.0
DEFAULT_POLL_INTERVAL = 0.5  # committed work wakes the worker at once; this finds retries
RESTART_PAUSE = 1.0  # after a database error: first pause, doubled up to the maximum
MAX_RESTART_PAUSE = 5.0
# A round that took all that was due is followed by this pause, so that under a steady
# trickle (one message every few ms) the next round settles, claims and records a batch rather
# than one item: every round costs a few queries whatever it carries. Idle, a wake-up still
# starts a round at once; a backlog (a full settlement batch, a claim cut short) goes on at once.
GATHER_SECONDS = 0.02


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
    """django-tasks' own database worker, run in a thread of this process. Whatever stops it
    (the database going away, a worker started before the database is up) it starts again
    after a pause, until the process stops."""

    loop_name = "background-tasks"

    def __init__(self, worker_id: str) -> None:
        super().__init__(name=self.loop_name, daemon=True)
        from django_tasks_db.management.commands.db_worker import Worker

        self.worker = Worker(
            queue_names=["*"], interval=TASKS_POLL_INTERVAL, batch=False, backend_name="default",
            startup_delay=False, max_tasks=None, worker_id=worker_id, excluded_queue_names=[],
        )
        self.state = "running"
        self._stop_event = threading.Event()

    def run(self) -> None:
        pause = RESTART_PAUSE
        while not self._stop_event.is_set():
            try:
                self.worker.run()
                return  # stopped on request
            except Exception as exc:  # noqa: BLE001 - the loop must outlive any error
                logger.warning("Background tasks stopped (%s); restarting in %.0f s", exc, pause)
                self.state = f"restarting: {str(exc)[:200]}"
            finally:
                connection.close()
            self._stop_event.wait(pause)
            pause = min(pause * 2, MAX_RESTART_PAUSE)
            self.state = "running"

    def stop(self) -> None:
        self._stop_event.set()
        self.worker.running = False


class WorkerProcess:
    def __init__(self, *, concurrency: int | None = None,
                 poll_interval: float | None = None) -> None:
        self.worker_id = new_worker_id()
        self.engine = Engine(worker_id=self.worker_id, concurrency=concurrency)
        self.poll_interval = poll_interval or float(
            settings.DELIVERY_POLL_INTERVAL or DEFAULT_POLL_INTERVAL)
        self.started_at = timezone.now()
        self.stopping = threading.Event()
        self._backlog = False  # the last round's settlement took a full batch
        self.carriers = CarrierSessions(self.worker_id)
        self.helpers: list[_TaskRunner | wakeup.Listener | local_wakeup.Listener] = []
        self.periodic = [
            _Every(SUPERVISE_EVERY, self.carriers.supervise),  # SMPP sessions (carriers)
            _Every(HEARTBEAT_EVERY, self.beat),
            _Every(SWEEP_EVERY, delivery_sweep),
            _Every(PRUNE_EVERY, prune_old_records),  # retention: idempotent, in batches
        ]

    def beat(self) -> None:
        heartbeat_beat(worker_id=self.worker_id, started_at=self.started_at,
                       in_flight=self.engine.in_flight,
                       endpoints=self.engine.in_flight_by_profile(),
                       stopping=self.stopping.is_set(), loops=self.loop_states())

    def loop_states(self) -> dict[str, str]:
        """What /readyz shows of each helper loop: a dead thread is "stopped"."""
        return {helper.loop_name: helper.state if helper.is_alive() else "stopped"
                for helper in self.helpers}

    def request_stop(self, signum: int | None = None, frame: object = None) -> None:
        self.stopping.set()
        wakeup.WORK_ARRIVED.set()

    def install_signal_handlers(self) -> None:
        signal.signal(signal.SIGTERM, self.request_stop)
        signal.signal(signal.SIGINT, self.request_stop)

    def run(self) -> None:
        logger.info("Worker %s starting (concurrency %s)", self.worker_id,
                    self.engine.concurrency)
        self.helpers = [_TaskRunner(self.worker_id)]
        if connection.vendor == "postgresql":
            self.helpers.append(wakeup.Listener())
        elif folder := local_wakeup.directory():
            self.helpers.append(local_wakeup.Listener(folder, wakeup.WORK_ARRIVED))
        for helper in self.helpers:
            helper.start()
        try:
            while not self.stopping.is_set():
                worked = self._round()
                if self.stopping.is_set():
                    break
                if not worked:
                    self.engine.wait(self.poll_interval)
                elif not (self._backlog or self.engine.backlog):
                    self.stopping.wait(GATHER_SECONDS)
            logger.info("Worker %s draining %s attempts in flight", self.worker_id,
                        self.engine.in_flight)
            self.beat()
            self.carriers.stop()
            self.engine.drain()
        finally:
            for helper in self.helpers:
                helper.stop()
            self.engine.close()
            try:
                heartbeat_remove(worker_id=self.worker_id)
            except Exception:  # noqa: BLE001 - the database is gone: the sweep will notice
                logger.warning("Could not remove this worker's heartbeat", exc_info=True)
            logger.info("Worker %s stopped", self.worker_id)

    def _round(self) -> int:
        try:
            for job in self.periodic:
                job()
            settled = settle_due_messages()
            self._backlog = settled >= SETTLE_BATCH
            return settled + self.engine.step()
        except Exception as exc:  # noqa: BLE001 - the loop must outlive any error
            # A database restart or outage, a dropped connection, a bug: log, reconnect, retry.
            if isinstance(exc, DatabaseError | InterfaceError):
                logger.warning("Database error in the worker loop (%s); retrying", exc)
            else:
                logger.exception("Error in the worker loop; retrying")
            connection.close()
            self.stopping.wait(RESTART_PAUSE)
            return 0
