"""The profile page, its chart, the deliveries list, /metrics and the retention prune on a big
deliveries table.

    .venv/bin/python bench/retention.py [--count 1000000] [--baseline 1000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/retention.py

Uses DATABASE_URL (an empty database: it is migrated and filled) or a scratch SQLite file.
One profile gets every delivery, spread evenly over the last 60 days (so half are older than
the 30-day window), 10 % failed with one attempt each. Each page is timed (median of 5) with
`--baseline` deliveries and again with `--count` (after ANALYZE, as autovacuum would), and the
ratio printed; then the prune of everything older than 30 days is timed. Prints figures and
ratios; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
# Run as a script, this folder comes first on sys.path and this file would shadow the app.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent]
sys.path.insert(0, str(PROJECT_DIR))

SPREAD = timedelta(days=60)
FILL_BATCH = 5000


def setup_django(scratch: Path) -> None:
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch / 'bench.sqlite3'}")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "callbackadmin.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def fill(profile, start: int, stop: int, now) -> None:
    """Deliveries number start..stop-1 of the series, oldest first (created_at set directly)."""
    from delivery.models import Delivery, DeliveryAttempt, DeliveryStatus

    created_field = Delivery._meta.get_field("created_at")
    created_field.auto_now_add = False  # the bench dates its rows itself
    total = max(stop, 1)
    for first in range(start, stop, FILL_BATCH):
        rows, attempts = [], []
        for n in range(first, min(first + FILL_BATCH, stop)):
            created = now - SPREAD + SPREAD * (n / total)
            failed = n % 10 == 0
            rows.append(Delivery(
                id=uuid.uuid4(), account_id=profile.account_id, profile=profile,
                event="SMS-sent", source_type="sms_message", source_id=f"m-{n}",
                variables={"status": "DELIVRD", "n": n}, webhook_id=f"msg_{n}",
                request_method="POST", request_url=profile.url, request_headers="{}",
                request_body='{"status": "DELIVRD"}',
                status=DeliveryStatus.FAILED if failed else DeliveryStatus.SUCCEEDED,
                attempt_count=1, last_status_code=503 if failed else 200, last_latency_ms=40,
                created_at=created, completed_at=created,
            ))
            if failed:
                attempts.append(DeliveryAttempt(delivery=rows[-1], number=1, started_at=created,
                                                status_code=503, latency_ms=40))
        Delivery.objects.bulk_create(rows)
        DeliveryAttempt.objects.bulk_create(attempts)
    created_field.auto_now_add = True


def timed(fn, repeat: int = 5) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def measure_pages(client, profile) -> dict[str, float]:
    def get(url: str, **headers):
        def run():
            response = client.get(url, **headers)
            assert response.status_code == 200, (url, response.status_code)
        return run

    detail = f"/account/callback-profiles/{profile.profile_id}/"
    return {
        "profile page (log + chart)": timed(get(detail)),
        "profile page, log page 50": timed(get(detail + "?page=50")),
        "deliveries list": timed(get("/deliveries/")),
        "deliveries list, failed only": timed(get("/deliveries/?status=failed")),
        "/metrics scrape": timed(get("/metrics")),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--baseline", type=int, default=1000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        setup_django(Path(scratch))
        from django.db import connection
        from django.test import Client
        from django.utils import timezone

        from accounts.services import account_create
        from ops.retention import prune_old_records
        from profiles.services import profile_create
        from profiles.validation import ProfileInput

        print(f"database: {connection.vendor}")
        created = account_create(name="Bench", email=f"bench-{uuid.uuid4().hex[:8]}@example.com",
                                 password="bench-password-123")
        profile = profile_create(account=created.account, data=ProfileInput(
            title="Bench profile", channel="sms", http_method="POST",
            url="https://example.com/cb", body=None))
        client = Client()
        client.force_login(created.user)
        now = timezone.now()

        fill(profile, 0, args.baseline, now)
        small = measure_pages(client, profile)
        started = time.perf_counter()
        fill(profile, args.baseline, args.count, now)
        print(f"filled {args.count:,} deliveries in {time.perf_counter() - started:.0f} s")
        # What autovacuum does after a bulk load: fresh statistics for the planner.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        big = measure_pages(client, profile)

        print(f"\n{'page':32} {args.baseline:>12,} {args.count:>12,}   ratio")
        for name, seconds in big.items():
            print(f"{name:32} {small[name] * 1000:10.1f}ms {seconds * 1000:10.1f}ms "
                  f"{seconds / small[name]:7.1f}x")

        started = time.perf_counter()
        counts = prune_old_records(days=30, batch=1000)
        elapsed = time.perf_counter() - started
        print(f"\nprune older than 30 days: {counts.deliveries:,} deliveries and "
              f"{counts.attempts:,} attempts in {elapsed:.1f} s "
              f"({counts.deliveries / elapsed:,.0f} deliveries/s, batches of 1000)")
        after = measure_pages(client, profile)
        print(f"profile page after the prune: {after['profile page (log + chart)'] * 1000:.1f} ms")


if __name__ == "__main__":
    main()
