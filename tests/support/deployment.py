"""A scratch deployment for process-level tests and the benchmark: real `bin/worker`
processes against their own database (a SQLite file, or a fresh PostgreSQL database), and
local receivers. Used by tests/delivery/test_worker_processes.py and bench/delivery.py.
"""

from __future__ import annotations

import collections
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent.parent
POSTGRES_SERVER = "postgres://postgres@127.0.0.1:5432"


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # The listen backlog: a worker opens up to its endpoint concurrency at once (the default
    # of 5 overflows, and the kernel answers the excess with resets).
    request_queue_size = 1024


class Receiver:
    """A threaded HTTP/1.1 server on 127.0.0.1 that records every request.

    `delay`: seconds each response is held back (a slow endpoint). `status`: the answer.
    `hold_until_open`: hold every response until that many requests are open at once (503
    after 10 s if they never are): proof that a client really had them in flight together.
    It counts requests by `webhook-id`, remembers when each arrived, the most requests it
    had open at once, and how many TCP connections were made.
    """

    def __init__(self, *, delay: float = 0, status: int = 200, hold_until_open: int = 0) -> None:
        self.counts: collections.Counter[str] = collections.Counter()
        self.arrivals: dict[str, float] = {}  # webhook-id -> time.time() of first arrival
        self.bodies: list[bytes] = []
        self.timed_bodies: list[tuple[float, bytes]] = []
        self.arrived = threading.Event()
        self.open_now = 0
        self.max_open = 0
        self.connections = 0
        self.delay = delay
        self.status = status
        self.barrier = threading.Barrier(hold_until_open) if hold_until_open else None
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive
            disable_nagle_algorithm = True  # headers and body go out in separate writes

            def setup(self) -> None:
                super().setup()
                with receiver._lock:
                    receiver.connections += 1

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                webhook_id = self.headers.get("webhook-id", "")
                with receiver._lock:
                    receiver.open_now += 1
                    receiver.max_open = max(receiver.max_open, receiver.open_now)
                    receiver.arrivals.setdefault(webhook_id, time.time())
                    receiver.bodies.append(body)
                    receiver.timed_bodies.append((time.time(), body))
                receiver.arrived.set()
                status = receiver.status
                try:
                    if receiver.barrier is not None:
                        try:
                            receiver.barrier.wait(timeout=10)
                        except threading.BrokenBarrierError:
                            status = 503
                    if receiver.delay:
                        time.sleep(receiver.delay)
                    with receiver._lock:
                        receiver.counts[webhook_id] += 1
                    self.send_response(status)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok")
                finally:
                    with receiver._lock:
                        receiver.open_now -= 1

            do_POST = do_GET = do_PUT = _handle

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = _Server(("127.0.0.1", 0), Handler)
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

    def arrival_by_body_field(self, name: str) -> dict[str, float]:
        """{body[name]: first arrival time} for JSON bodies (e.g. a message id)."""
        with self._lock:
            found = {}
            for at, body in self.timed_bodies:
                try:
                    key = json.loads(body)[name]
                except (ValueError, KeyError, TypeError):
                    continue
                found.setdefault(str(key), at)
            return found

    def snapshot(self) -> collections.Counter[str]:
        with self._lock:
            return collections.Counter(self.counts)


def free_port() -> int:
    """A TCP port of 127.0.0.1 nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def postgres_available() -> bool:
    try:
        import psycopg

        with psycopg.connect(f"{POSTGRES_SERVER}/postgres", connect_timeout=3):
            return True
    except Exception:  # noqa: BLE001 - any failure means "not available"
        return False


class ScratchDeployment:
    """Its own database and worker processes, driven through manage.py.

    `database`: "sqlite" (a file in `workdir`) or "postgres" (a new database on the local
    server, dropped on exit). `env` adds settings for every process it starts.
    """

    def __init__(self, workdir: Path, *, database: str = "sqlite",
                 env: dict[str, str] | None = None) -> None:
        self.workdir = Path(workdir)
        self.database = database
        self.token = uuid.uuid4().hex[:12]
        self.workers: list[subprocess.Popen] = []
        if database == "postgres":
            self.db_name = f"scratch_{self.token}"
            url = f"{POSTGRES_SERVER}/{self.db_name}"
        else:
            self.db_name = str(self.workdir / "scratch.sqlite3")
            url = f"sqlite:///{self.db_name}"
        self.env = {
            **os.environ,
            "DATABASE_URL": url,
            "CALLBACK_ALLOW_PRIVATE_NETWORKS": "true",
            "DEBUG": "false",
            # Production-like: workers refuse development secrets with DEBUG off.
            "SECRET_KEY": secrets.token_urlsafe(50),
            "FIELD_ENCRYPTION_KEY": secrets.token_urlsafe(32),
            "INBOUND_SMS_TOKEN": secrets.token_urlsafe(16),
            "LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "callbackadmin.settings",
            "PYTHONUNBUFFERED": "1",
            **(env or {}),
        }

    def __enter__(self) -> ScratchDeployment:
        if self.database == "postgres":
            self._admin_sql(f'CREATE DATABASE "{self.db_name}"')
        self.manage("migrate", "--noinput", "-v0")
        return self

    def __exit__(self, *exc: object) -> None:
        for worker in self.workers:
            try:
                os.killpg(worker.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            worker.wait(timeout=10)
        if self.database == "postgres":
            self._admin_sql(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')

    def _admin_sql(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as conn:
            conn.execute(sql)

    def manage(self, *args: str, timeout: float = 180) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=PROJECT_DIR, env=self.env,
            capture_output=True, text=True, timeout=timeout,
        )
        if done.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stderr[-3000:]}")
        return done.stdout

    def start_worker(self, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen:
        """`bin/worker` as a deployment runs it (own process group, log in workdir); `env`
        overrides settings for this one (e.g. its DATABASE_URL)."""
        log = open(self.workdir / f"worker-{len(self.workers) + 1}.log", "wb")  # noqa: SIM115
        process = subprocess.Popen(
            [sys.executable, "manage.py", "run_worker", *args], cwd=PROJECT_DIR,
            env={**self.env, **(env or {})},
            start_new_session=True, stdout=log, stderr=subprocess.STDOUT,
        )
        log.close()  # the child holds its own descriptor
        self.workers.append(process)
        return process

    def start_web(self, timeout: float = 60) -> str:
        """A web server (`manage.py runserver`, no reloader) on a free port of 127.0.0.1, as
        the workers are (stopped on exit, log in workdir); its base URL once it answers."""
        port = free_port()
        log = open(self.workdir / "web.log", "wb")  # noqa: SIM115
        process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=PROJECT_DIR, env=self.env, start_new_session=True, stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        self.workers.append(process)
        base = f"http://127.0.0.1:{port}"

        def answers() -> bool:
            assert process.poll() is None, self.logs()
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2):
                    return True
            except OSError:
                return False

        assert self.wait_until(answers, timeout=timeout), self.logs()
        return base

    def logs(self) -> str:
        """The workers' and web server's output (for assertion messages)."""
        return "\n".join(
            f"--- {path.name}\n{path.read_text(errors='replace')[-3000:]}"
            for path in sorted(self.workdir.glob("*.log"))
        )

    def kill_worker(self, process: subprocess.Popen) -> None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop_worker(self, process: subprocess.Popen, timeout: float = 60) -> int:
        process.send_signal(signal.SIGTERM)
        return process.wait(timeout=timeout)

    def query(self, sql: str) -> list[tuple]:
        if self.database == "postgres":
            import psycopg

            with psycopg.connect(f"{POSTGRES_SERVER}/{self.db_name}") as conn:
                return conn.execute(sql).fetchall()
        import sqlite3

        with sqlite3.connect(f"file:{self.db_name}?mode=ro", uri=True, timeout=20) as db:
            return db.execute(sql).fetchall()

    def statuses(self) -> dict[str, int]:
        return dict(self.query(
            "SELECT status, COUNT(*) FROM delivery_delivery GROUP BY status"))

    def webhook_ids(self) -> set[str]:
        return {row[0] for row in self.query("SELECT webhook_id FROM delivery_delivery")}

    def attempts(self) -> int:
        return self.query("SELECT COUNT(*) FROM delivery_deliveryattempt")[0][0]

    def pipeline_seconds(self, where: str = "1=1") -> float:
        """From the first delivery written to the last one finished (database clock), so
        process start-up is not counted."""
        if self.database == "postgres":
            sql = ("SELECT EXTRACT(EPOCH FROM MAX(completed_at) - MIN(created_at)) "
                   f"FROM delivery_delivery WHERE {where}")
        else:
            sql = ("SELECT (julianday(MAX(completed_at)) - julianday(MIN(created_at))) * 86400 "
                   f"FROM delivery_delivery WHERE {where}")
        return float(self.query(sql)[0][0])

    def drain_seconds(self) -> float:
        """From the first attempt started to the last delivery finished (database clock)."""
        if self.database == "postgres":
            sql = ("SELECT EXTRACT(EPOCH FROM (SELECT MAX(completed_at) FROM delivery_delivery)"
                   " - (SELECT MIN(started_at) FROM delivery_deliveryattempt))")
        else:
            sql = ("SELECT (julianday((SELECT MAX(completed_at) FROM delivery_delivery))"
                   " - julianday((SELECT MIN(started_at) FROM delivery_deliveryattempt))) * 86400")
        return float(self.query(sql)[0][0])

    def first_created(self, where: str = "1=1") -> float:
        """`time.time()` of the first delivery written (matching `where`)."""
        if self.database == "postgres":
            sql = f"SELECT EXTRACT(EPOCH FROM MIN(created_at)) FROM delivery_delivery WHERE {where}"
        else:
            sql = ("SELECT (julianday(MIN(created_at)) - 2440587.5) * 86400 "
                   f"FROM delivery_delivery WHERE {where}")
        return float(self.query(sql)[0][0])

    def wait_for_workers(self, count: int, timeout: float = 60) -> bool:
        return self.wait_until(
            lambda: self.query("SELECT COUNT(*) FROM delivery_workerheartbeat")[0][0] >= count,
            timeout=timeout,
        )

    def wait_until(self, predicate, *, timeout: float, interval: float = 0.1) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return True
            time.sleep(interval)
        return predicate()
