"""`manage.py prune [--days N] [--batch N] [--every SECONDS]`: delete deliveries, attempts,
inbox requests and incoming messages older than the retention window (DELIVERY_RETENTION_DAYS),
and ended rate-limit windows.

With `--every` it runs until SIGTERM, pruning once per interval (bin/serve starts it so).
"""

from __future__ import annotations

import json
import logging
import signal
import threading

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from ops.retention import prune_old_records

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Prune records older than the retention window, in batches."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--days", type=int, default=None,
                            help="Retention in days (default DELIVERY_RETENTION_DAYS).")
        parser.add_argument("--batch", type=int, default=None,
                            help="Rows per delete (default RETENTION_BATCH_SIZE).")
        parser.add_argument("--every", type=float, default=0,
                            help="Repeat every SECONDS until stopped.")

    def handle(self, *args, days: int | None, batch: int | None, every: float,
               **options) -> None:
        if days is not None and days < 1:
            raise CommandError("--days must be at least 1")
        if batch is not None and batch < 1:
            raise CommandError("--batch must be at least 1")
        if not every:
            self.stdout.write(json.dumps(prune_old_records(days=days, batch=batch).as_dict()))
            return
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        signal.signal(signal.SIGINT, lambda *_: stop.set())
        while not stop.is_set():
            close_old_connections()
            try:
                counts = prune_old_records(days=days, batch=batch)
                logger.info("Retention prune: %s", json.dumps(counts.as_dict()))
            except Exception:  # noqa: BLE001 - a database hiccup must not end the loop
                logger.exception("Retention prune failed; retrying next round")
            stop.wait(every)
