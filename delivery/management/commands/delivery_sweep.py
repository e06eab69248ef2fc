"""Re-queue deliveries whose worker died or whose task was lost (see services.delivery_recover).

Run it once (cron), or with --every N as a small long-running process beside the workers.
Stops gracefully on SIGTERM/SIGINT.
"""

from __future__ import annotations

import signal
import threading
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from delivery.services import delivery_recover


class Command(BaseCommand):
    help = "Re-queue stuck (SENDING past the lease) and lost (PENDING overdue) deliveries."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=float, default=0,
                            help="Repeat every N seconds until stopped (default: run once).")
        parser.add_argument("--lease", type=float, default=None,
                            help="Seconds after which a SENDING delivery is re-queued "
                                 "(default: DELIVERY_LEASE_SECONDS).")
        parser.add_argument("--grace", type=float, default=None,
                            help="Seconds a PENDING delivery may be overdue before it is "
                                 "re-queued (default: DELIVERY_LOST_TASK_GRACE_SECONDS).")

    def handle(self, *args, every: float, lease: float | None, grace: float | None, **options):
        stop = threading.Event()

        def request_stop(signum, frame):
            stop.set()

        if every:
            signal.signal(signal.SIGTERM, request_stop)
            signal.signal(signal.SIGINT, request_stop)
        while True:
            if every:  # a long-running loop: drop connections the database has closed
                close_old_connections()
            result = delivery_recover(
                lease=timedelta(seconds=lease) if lease is not None else None,
                grace=timedelta(seconds=grace) if grace is not None else None,
            )
            self.stdout.write(
                f"re-queued {result.stale_sending} stale, {result.lost_pending} lost"
            )
            if not every or stop.wait(every):
                return
