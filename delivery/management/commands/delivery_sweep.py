"""Give back deliveries whose worker died, by hand or from cron (every `bin/worker` already
runs this sweep every few seconds). See delivery.services.dead_worker_sweep."""

from __future__ import annotations

import signal
import threading
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from delivery.services import delivery_sweep


class Command(BaseCommand):
    help = "Re-queue deliveries held by dead workers (or past the lease); fail poison ones."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=float, default=0,
                            help="Repeat every N seconds until stopped (default: run once).")
        parser.add_argument("--lease", type=float, default=None,
                            help="Seconds after which a claimed delivery is re-queued even if "
                                 "its worker looks alive (default: DELIVERY_LEASE_SECONDS).")

    def handle(self, *args, every: float, lease: float | None, **options):
        stop = threading.Event()
        if every:
            signal.signal(signal.SIGTERM, lambda *_: stop.set())
            signal.signal(signal.SIGINT, lambda *_: stop.set())
        while True:
            if every:  # a long-running loop: drop connections the database has closed
                close_old_connections()
            result = delivery_sweep(
                lease=timedelta(seconds=lease) if lease is not None else None,
            )
            self.stdout.write(
                f"re-queued {result.requeued}, failed {result.failed}, "
                f"tasks re-queued {result.tasks_requeued}"
            )
            if not every or stop.wait(every):
                return
