"""End-to-end delivery throughput: enqueue → sent → logged, with 1 and 2 worker processes.

    .venv/bin/python bench/delivery.py [--count 1000] [--backend rq|database|both]

For each backend and worker count it builds a scratch deployment (own SQLite file, own Redis
database), starts the workers, then times `delivery_loadgen` creating N deliveries (rendered,
written, queued on commit) until every one is `succeeded` in the log. Beside it, a plain
`requests.Session` loop posts N times to the same local receiver: the ceiling for one process
with connection reuse. Prints figures and ratios; asserts nothing.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
# Run as a script, this folder comes first on sys.path and this file would shadow the app.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent]
sys.path.insert(0, str(PROJECT_DIR))

import requests  # noqa: E402
from delivery.loadtest import Receiver, ScratchDeployment, redis_available  # noqa: E402


def raw_session_rate(receiver: Receiver, count: int) -> float:
    session = requests.Session()
    body = b'{"id":"raw","status":"DELIVRD","to":"+919876543210"}'
    started = time.monotonic()
    for _ in range(count):
        session.post(receiver.url, data=body, headers={"Content-Type": "application/json"},
                     timeout=(5, 15)).raise_for_status()
    return count / (time.monotonic() - started)


def wait_for_workers(deployment: ScratchDeployment, workers: int) -> None:
    if deployment.backend == "rq":
        import redis
        from rq import Worker

        client = redis.Redis.from_url(deployment.env["REDIS_URL"])
        deployment.wait_until(lambda: len(Worker.all(connection=client)) >= workers,
                              timeout=30)
    time.sleep(1.5)  # Django start-up of the last worker


def pipeline_rate(backend: str, workers: int, count: int, receiver: Receiver) -> float:
    with tempfile.TemporaryDirectory() as tmp, ScratchDeployment(Path(tmp),
                                                                 backend=backend) as deployment:
        for _ in range(workers):
            deployment.start_worker()
        wait_for_workers(deployment, workers)
        started = time.monotonic()
        deployment.manage("delivery_loadgen", "--url", receiver.url, "--count", str(count),
                          "--batch", "200")
        finished = deployment.wait_until(
            lambda: deployment.statuses().get("succeeded", 0) >= count, timeout=600,
            interval=0.05,
        )
        elapsed = time.monotonic() - started
        if not finished:
            raise SystemExit(f"{backend} x{workers}: not finished: {deployment.statuses()}")
        return count / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--backend", choices=["rq", "database", "both"], default="both")
    args = parser.parse_args()
    backends = ["database", "rq"] if args.backend == "both" else [args.backend]
    if "rq" in backends and not redis_available():
        print("Redis at 127.0.0.1:6379 is unreachable: skipping the rq backend")
        backends.remove("rq")

    with Receiver() as receiver:
        raw = raw_session_rate(receiver, args.count)
        print(f"raw requests.Session loop, 1 process:  {raw:8.1f} requests/s")
        for backend in backends:
            rates = {}
            for workers in (1, 2):
                rates[workers] = pipeline_rate(backend, workers, args.count, receiver)
                print(f"pipeline {backend:8s} {workers} worker(s):  {rates[workers]:8.1f} "
                      f"deliveries/s  ({rates[workers] / raw:.2f} x raw)")
            print(f"pipeline {backend:8s} 2 vs 1 worker:  {rates[2] / rates[1]:.2f} x")


if __name__ == "__main__":
    main()
