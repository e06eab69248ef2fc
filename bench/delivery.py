"""The delivery engine against a raw HTTP loop, on SQLite and PostgreSQL, in one run.

    .venv/bin/python bench/delivery.py [--count 1000] [--database sqlite|postgres|both]

Every case builds a scratch deployment (its own database, real `bin/worker` processes) and
local receivers on 127.0.0.1 (tests/support/deployment.py). Baseline, measured in the same
run: a plain `requests.Session` loop posting to the same fast receiver (one process, keep-alive).

1. fast receiver, 1 worker: `delivery_loadgen` queues N deliveries; rate from the first one
   written to the last one finished (database clock: process start-up is not counted).
2. the same with 2 workers (ratio to 1 worker); then both again with the N deliveries queued
   before the workers start (the workers' own throughput, without the load generator).
3. a receiver answering in 100 ms, 1 worker (deliveries per second).
4. isolation: 20 callbacks to an endpoint that never answers in time are queued first, then
   200 of another account to a fast one; seconds from the first of the 200 written until all
   200 arrived (1 worker).
5. SMS sent (settle delay 0) → delivery report received, at 100 messages/s: p50/p99 latency.

Prints figures and ratios; asserts nothing (these machines are noisy).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
# Run as a script, this folder comes first on sys.path and this file would shadow the app.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent]
sys.path.insert(0, str(PROJECT_DIR))

import requests  # noqa: E402

from tests.support.deployment import Receiver, ScratchDeployment, postgres_available  # noqa: E402


def raw_session_rate(receiver: Receiver, count: int) -> float:
    session = requests.Session()
    body = b'{"id":"raw","status":"DELIVRD","to":"+919876543210"}'
    started = time.monotonic()
    for _ in range(count):
        session.post(receiver.url, data=body, headers={"Content-Type": "application/json"},
                     timeout=(5, 15)).raise_for_status()
    return count / (time.monotonic() - started)


def deployment(database: str, tmp: str, **env: str) -> ScratchDeployment:
    return ScratchDeployment(Path(tmp), database=database, env=env)


def pipeline_rate(database: str, workers: int, count: int, receiver: Receiver, *,
                  prequeued: bool = False) -> float:
    """Deliveries per second. Pipeline: workers running while `delivery_loadgen` writes, from
    the first write to the last finish. Pre-queued: N deliveries wait, then the workers start;
    from the first attempt to the last finish (what the workers alone can do)."""
    with tempfile.TemporaryDirectory() as tmp, deployment(database, tmp) as scratch:
        def load() -> None:
            scratch.manage("delivery_loadgen", "--url", receiver.url, "--count", str(count),
                           "--batch", "200")

        if prequeued:
            load()
        for _ in range(workers):
            scratch.start_worker()
        scratch.wait_for_workers(workers)
        if not prequeued:
            load()
        # Timed by the database's own clock: a slow poll costs no precision, and a fast one
        # (a new connection and a count each time) would take CPU from the workers measured.
        finished = scratch.wait_until(
            lambda: scratch.statuses().get("succeeded", 0) >= count, timeout=600,
            interval=0.5,
        )
        if not finished:
            raise SystemExit(f"{database} x{workers}: not finished: {scratch.statuses()}")
        seconds = scratch.drain_seconds() if prequeued else scratch.pipeline_seconds()
        return count / seconds


def isolation_seconds(database: str) -> float:
    with Receiver(delay=30) as hanging, Receiver() as fast, \
            tempfile.TemporaryDirectory() as tmp, deployment(database, tmp) as scratch:
        scratch.start_worker()
        scratch.wait_for_workers(1)
        scratch.manage("delivery_loadgen", "--url", hanging.url, "--count", "20")
        hanging.arrived.wait(30)
        scratch.manage("delivery_loadgen", "--url", fast.url, "--count", "200")
        if not scratch.wait_until(lambda: fast.distinct >= 200, timeout=120, interval=0.02):
            return float("inf")
        last_arrival = max(fast.arrivals.values())
        return last_arrival - scratch.first_created(f"request_url = '{fast.url}'")


def sms_latency(database: str, rate: float, seconds: float) -> tuple[float, float, int]:
    with Receiver() as receiver, tempfile.TemporaryDirectory() as tmp, \
            deployment(database, tmp, SMS_DLR_DELAY_SECONDS="0") as scratch:
        scratch.start_worker()
        scratch.wait_for_workers(1)
        done = subprocess.run(
            [sys.executable, "bench/sms_trigger.py", "--url", receiver.url, "--rate", str(rate),
             "--seconds", str(seconds)],
            cwd=PROJECT_DIR, env=scratch.env, capture_output=True, text=True, timeout=300,
        )
        if done.returncode != 0:
            raise SystemExit(done.stderr[-3000:])
        sent = json.loads(done.stdout)
        scratch.wait_until(lambda: len(receiver.bodies) >= len(sent), timeout=60)
        arrived = receiver.arrival_by_body_field("id")
        latencies = sorted((arrived[mid] - at) * 1000 for mid, at in sent.items()
                           if mid in arrived)
        if not latencies:
            raise SystemExit("no delivery report arrived")
        p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
        return statistics.median(latencies), p99, len(sent) - len(latencies)


def run(database: str, count: int) -> None:
    print(f"\n== {database}")
    with Receiver() as receiver:
        raw = raw_session_rate(receiver, count)
        print(f"raw requests.Session loop, 1 process:      {raw:8.1f} requests/s")
        one = pipeline_rate(database, 1, count, receiver)
        print(f"pipeline, fast receiver, 1 worker:         {one:8.1f} deliveries/s "
              f"({one / raw:.2f} x raw)")
        two = pipeline_rate(database, 2, count, receiver)
        print(f"pipeline, fast receiver, 2 workers:        {two:8.1f} deliveries/s "
              f"({two / raw:.2f} x raw, {two / one:.2f} x 1 worker)")
        one = pipeline_rate(database, 1, count, receiver, prequeued=True)
        print(f"pre-queued, fast receiver, 1 worker:       {one:8.1f} deliveries/s "
              f"({one / raw:.2f} x raw)")
        two = pipeline_rate(database, 2, count, receiver, prequeued=True)
        print(f"pre-queued, fast receiver, 2 workers:      {two:8.1f} deliveries/s "
              f"({two / raw:.2f} x raw, {two / one:.2f} x 1 worker)")
    with Receiver(delay=0.1) as slow:
        rate = pipeline_rate(database, 1, count, slow)
        print(f"pipeline, 100 ms receiver, 1 worker:       {rate:8.1f} deliveries/s")
    seconds = isolation_seconds(database)
    print(f"isolation: 200 fast after 20 hanging:      {seconds:8.2f} s until all 200 arrived")
    p50, p99, lost = sms_latency(database, rate=100, seconds=10)
    print(f"SMS -> delivery report at 100 msg/s:       p50 {p50:6.0f} ms, p99 {p99:6.0f} ms"
          + (f", {lost} not arrived" if lost else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    args = parser.parse_args()
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    if "postgres" in databases and not postgres_available():
        print("PostgreSQL at 127.0.0.1:5432 is unreachable: skipping it")
        databases.remove("postgres")
    for database in databases:
        run(database, args.count)


if __name__ == "__main__":
    main()
