"""Run one worker process: deliveries, SMS settlement, the recovery sweep, background tasks
(`bin/worker` runs this). Stops gracefully on SIGTERM/SIGINT."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from callbackadmin.startup import refuse_unsafe_defaults
from worker.process import WorkerProcess


class Command(BaseCommand):
    help = "Run one background worker process (deliveries, SMS settlement, sweep, tasks)."

    def add_arguments(self, parser):
        parser.add_argument("--concurrency", type=int, default=None,
                            help="Attempts in flight (default: DELIVERY_CONCURRENCY).")

    def handle(self, *args, concurrency: int | None, **options):
        refuse_unsafe_defaults()  # production secrets, as the web server checks them
        process = WorkerProcess(concurrency=concurrency)
        process.install_signal_handlers()
        process.run()
