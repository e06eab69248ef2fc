"""A scratch deployment for load tests and the benchmark: real worker processes, a real queue,
a local receiver. Used by tests/delivery/test_scale_out_redis.py and bench/delivery.py.

Nothing here is imported by the product. Each ScratchDeployment gets its own SQLite file and,
for RQ, its own Redis database number (claimed with a lock key, and only if it was empty), so
runs in parallel (pytest-xdist, CI jobs) never share a queue.
"""

from __future__ import annotations

import collections
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
REDIS_LOCK_KEY = "callback-profiles:loadtest-lock"
REDIS_OWNER_KEY = "callback-profiles:loadtest-owner"  # marks a database as a load test's
# The production worker command for TASKS_BACKEND=rq (README): SimpleWorker runs jobs in the
# worker process instead of forking one child per job, about 3x the throughput for short I/O
# bound sends whose duration the transport already bounds.
RQ_WORKER_ARGS = ("deliveries", "default", "--job-class", "django_tasks_rq.Job",
                  "--worker-class", "rq.worker.SimpleWorker", "--with-scheduler")


class Receiver:
    """A threaded HTTP server on 127.0.0.1 counting requests by `webhook-id`."""

    def __init__(self, *, delay: float = 0) -> None:
        """`delay`: seconds each response is held back (a slow endpoint)."""
        self.counts: collections.Counter[str] = collections.Counter()
        self.arrived = threading.Event()
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, for the raw requests.Session baseline
            disable_nagle_algorithm = True  # headers and body go out in separate writes

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                receiver.arrived.set()
                if delay:
                    time.sleep(delay)
                with receiver._lock:
                    receiver.counts[self.headers.get("webhook-id", "")] += 1
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            do_POST = do_GET = do_PUT = _handle

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def distinct(self) -> int:
        with self._lock:
            return len(self.counts)

    def snapshot(self) -> collections.Counter[str]:
        with self._lock:
            return collections.Counter(self.counts)


def redis_available() -> bool:
    try:
        import redis

        return bool(redis.Redis(host=REDIS_HOST, port=REDIS_PORT, socket_timeout=2).ping())
    except Exception:  # noqa: BLE001 - any failure means "not available"
        return False


def claim_redis_db(token: str) -> int:
    """A Redis database number (1-15) locked for us for an hour; raise if none is free.

    A database qualifies when it is empty, or when it holds only the leftovers of an earlier
    load test whose lock expired (it crashed before cleaning up): those are flushed.
    """
    import redis

    for number in range(15, 0, -1):
        client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=number)
        if not client.set(REDIS_LOCK_KEY, token, nx=True, ex=3600):
            continue  # another load test holds it
        if client.dbsize() == 1 or client.exists(REDIS_OWNER_KEY):
            if client.dbsize() > 1:
                client.flushdb()
                client.set(REDIS_LOCK_KEY, token, ex=3600)
            client.set(REDIS_OWNER_KEY, "callback-profiles load test")
            return number
        client.delete(REDIS_LOCK_KEY)  # someone else's data: leave it alone
    raise RuntimeError("no free Redis database (1-15) for the load test")


class ScratchDeployment:
    """Its own database file, queue and worker processes, driven through manage.py."""

    def __init__(self, workdir: Path, *, backend: str = "rq") -> None:
        self.workdir = Path(workdir)
        self.backend = backend
        self.database = self.workdir / "loadtest.sqlite3"
        self.token = uuid.uuid4().hex
        self.redis_db: int | None = None
        self.workers: list[subprocess.Popen] = []
        self.verbosity = 0  # worker logs go to <workdir>/worker-<n>.log
        self.env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{self.database}",
            "TASKS_BACKEND": "rq" if backend == "rq" else "database",
            "CALLBACK_ALLOW_PRIVATE_NETWORKS": "true",
            "DEBUG": "false",
            "LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "callbackadmin.settings",
            "PYTHONUNBUFFERED": "1",
        }

    def __enter__(self) -> ScratchDeployment:
        if self.backend == "rq":
            self.redis_db = claim_redis_db(self.token)
            self.env["REDIS_URL"] = f"redis://{REDIS_HOST}:{REDIS_PORT}/{self.redis_db}"
        self.manage("migrate", "--noinput", "-v0")
        return self

    def __exit__(self, *exc: object) -> None:
        for worker in self.workers:
            # The whole process group: RQ's scheduler is a child process that outlives a
            # killed parent and would keep writing to our Redis database.
            try:
                os.killpg(worker.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            worker.wait(timeout=10)
        if self.redis_db is not None:
            import redis

            client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=self.redis_db)
            if client.get(REDIS_LOCK_KEY) == self.token.encode():
                client.flushdb()  # the database was empty when we claimed it: all ours

    def manage(self, *args: str, timeout: float = 120) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=PROJECT_DIR, env=self.env,
            capture_output=True, text=True, timeout=timeout,
        )
        if done.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stderr[-3000:]}")
        return done.stdout

    def worker_command(self) -> list[str]:
        if self.backend == "rq":
            return [sys.executable, "manage.py", "rqworker", *RQ_WORKER_ARGS,
                    f"-v{self.verbosity}"]
        return [sys.executable, "manage.py", "db_worker", "--queue-name", "*", "--interval",
                "0.05", "--no-startup-delay", "--no-reload", f"-v{self.verbosity}"]

    def start_worker(self) -> subprocess.Popen:
        # Own process group, so a kill reaches RQ's work-horse children too.
        log = open(self.workdir / f"worker-{len(self.workers) + 1}.log", "wb")  # noqa: SIM115
        process = subprocess.Popen(
            self.worker_command(), cwd=PROJECT_DIR, env=self.env, start_new_session=True,
            stdout=log, stderr=subprocess.STDOUT,
        )
        log.close()  # the child holds its own descriptor
        self.workers.append(process)
        return process

    def kill_worker(self, process: subprocess.Popen) -> None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop_worker(self, process: subprocess.Popen, timeout: float = 30) -> int:
        process.send_signal(signal.SIGTERM)
        return process.wait(timeout=timeout)

    def statuses(self) -> dict[str, int]:
        with sqlite3.connect(f"file:{self.database}?mode=ro", uri=True, timeout=20) as db:
            rows = db.execute(
                "SELECT status, COUNT(*) FROM delivery_delivery GROUP BY status"
            ).fetchall()
        return dict(rows)

    def webhook_ids(self) -> set[str]:
        with sqlite3.connect(f"file:{self.database}?mode=ro", uri=True, timeout=20) as db:
            return {row[0] for row in db.execute("SELECT webhook_id FROM delivery_delivery")}

    def wait_until(self, predicate, *, timeout: float, interval: float = 0.1) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return True
            time.sleep(interval)
        return predicate()
