"""The whole SMS pipeline as production runs it: `bin/serve` (gunicorn + `bin/worker`s) on
PostgreSQL (and SQLite), driven over HTTP from this process, in one run.

    .venv/bin/python bench/pipeline.py [--seconds 60] [--database postgres|sqlite|both]
    .venv/bin/python bench/pipeline.py --serving [--database postgres]  # gunicorn settings

Baselines, measured in the same run through the same server: `GET /healthz` and the
authenticated `GET /v1/<sid>/callback/dynamic-variables` at saturation (CLIENTS threads).

1. in-process (Django test client, no server): one single-recipient send vs the authenticated
   GET, requests/s each, the two taking turns request by request (this machine's speed drifts
   by half within seconds; back-to-back blocks of each measured the drift);
2. single-recipient `POST /v1/<sid>/messages` at saturation: accepted sends/s;
3. a bounded run offering 200 sends/s for `--seconds`, every one with a delivery-report
   profile pointing at a local receiver: sends taken/s, API p50/p99 (beside the authenticated
   GET's offered at the same rate), accepted → delivery report received p50/p99, reports lost;
4. accepted → delivery report at ~100 messages/s, `--latency-runs` consecutive runs;
5. 100-recipient requests: messages/s from the first send to the last delivery report;
6. (PostgreSQL) a backlog of BACKLOG deliveries drained by 2 workers vs 1.

The server runs with `SMS_DLR_DELAY_SECONDS=0` on ports PORT_BASE.. (127.0.0.1 only). Prints
figures and ratios; asserts nothing: the machine is shared, so figures are noisy.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
# Run as a script, this folder comes first on sys.path and this file would shadow the app.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent]
sys.path.insert(0, str(PROJECT_DIR))

from bench.delivery import pipeline_rate  # noqa: E402
from tests.support.deployment import Receiver, ScratchDeployment, postgres_available  # noqa: E402

CLIENTS = 16
PORT_BASE = int(os.environ.get("BENCH_PORT", "8210"))
BACKLOG = 4000
IN_PROCESS = """
import time, uuid
from rest_framework.test import APIClient
from accounts.services import account_create
created = account_create(name="In-process", email=f"{uuid.uuid4().hex[:8]}@example.invalid",
                         password=uuid.uuid4().hex)
client = APIClient(HTTP_HOST="127.0.0.1")  # an ALLOWED_HOSTS name, DEBUG off
client.credentials(HTTP_API_KEY=created.api_key.raw_key)
sid = created.account.sid
calls = {
    "send": lambda: client.post(f"/v1/{sid}/messages", {"to": "+919876543210", "body": "hi"},
                                format="json"),
    "get": lambda: client.get(f"/v1/{sid}/callback/dynamic-variables?channel=sms"),
}
spent = {"send": 0.0, "get": 0.0}
count = 0
started = time.monotonic()
while time.monotonic() - started < SECONDS:
    for name, call in calls.items():
        before = time.perf_counter()
        assert call().status_code in (200, 202)
        if count >= 100:  # warmed up
            spent[name] += time.perf_counter() - before
    count += 1
print((count - 100) / spent["send"], (count - 100) / spent["get"])
"""


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))] if ordered else float("nan")


class Server:
    """`bin/serve` in a scratch deployment, stopped (SIGTERM to its group) on exit."""

    def __init__(self, scratch: ScratchDeployment, port: int, workers: int = 2,
                 **env: str) -> None:
        self.scratch, self.port = scratch, port
        self.env = {**scratch.env, "PORT": str(port), "HOST": "127.0.0.1",
                    "SMS_DLR_DELAY_SECONDS": "0", "DELIVERY_WORKERS": str(workers),
                    "PROMETHEUS_MULTIPROC_DIR": str(scratch.workdir / "metrics"),
                    "STATIC_ROOT": str(scratch.workdir / "static"), **env}
        self.env.pop("LOG_LEVEL", None)
        self.log = scratch.workdir / "serve.log"

    def __enter__(self) -> Server:
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                ["bin/serve"], cwd=PROJECT_DIR, env={**self.env, "LOG_LEVEL": "WARNING"},
                start_new_session=True, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"bin/serve exited:\n{self.log.read_text()[-3000:]}")
            try:
                if request("GET", self.port, "/healthz")[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        raise SystemExit("bin/serve did not answer /healthz in 180 s")

    def __exit__(self, *exc: object) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)


_local = threading.local()


def request(method: str, port: int, path: str, body: dict | None = None,
            headers: dict | None = None) -> tuple[int, bytes]:
    """One request over this thread's keep-alive connection (reopened once if the server
    closed it while idle)."""
    data = json.dumps(body).encode() if body is not None else None
    all_headers = {"Content-Type": "application/json", **(headers or {})}
    conns = _local.__dict__.setdefault("conns", {})
    for attempt in (1, 2):
        conn = conns.get(port) or http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conns[port] = conn
        try:
            conn.request(method, path, body=data, headers=all_headers)
            response = conn.getresponse()
            return response.status, response.read()
        except (OSError, http.client.HTTPException):
            conn.close()
            del conns[port]
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def saturate(call, seconds: float, clients: int = CLIENTS) -> float:
    """Requests/s answered 2xx with `clients` threads calling `call()` for `seconds`."""
    done = [0] * clients
    stop = time.monotonic() + seconds

    def client(index: int) -> None:
        while time.monotonic() < stop:
            status, _ = call()
            if status < 300:
                done[index] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / (time.monotonic() - started)


def offered(call, rate: float, seconds: float, clients: int = 48):
    """Open loop: call number n is due at start + n / rate, taken by the next free client.
    Returns (accepted_at by message id, API latencies in ms, seconds it took)."""
    total = int(rate * seconds)
    lock = threading.Lock()
    state = {"next": 0}
    accepted: dict[str, float] = {}
    latencies: list[float] = []
    started = time.monotonic()

    def client() -> None:
        while True:
            with lock:
                number = state["next"]
                state["next"] += 1
            if number >= total:
                return
            delay = started + number / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            sent = time.monotonic()
            status, body = call()
            answered = time.monotonic()
            if status in (200, 202):  # 200: a baseline GET, no message
                ids = ([m["message_id"] for m in json.loads(body)["data"]["messages"]]
                       if status == 202 else [])
                with lock:
                    latencies.append((answered - sent) * 1000)
                    for message_id in ids:
                        accepted[message_id] = time.time()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return accepted, latencies, time.monotonic() - started


def reports(receiver: Receiver, accepted: dict[str, float], before: int,
            timeout: float = 120):
    """(accept → report latencies in ms, lost, time.time() of the last report); `before`: how
    many requests the receiver had before these were sent."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and len(receiver.bodies) < before + len(accepted):
        time.sleep(0.05)
    arrived = receiver.arrival_by_body_field("id")
    latencies = [(arrived[mid] - at) * 1000 for mid, at in accepted.items() if mid in arrived]
    last = max((arrived[mid] for mid in accepted if mid in arrived), default=float("nan"))
    return latencies, len(accepted) - len(latencies), last


def setup_account(scratch: ScratchDeployment, port: int, url: str) -> tuple[str, str, str]:
    """(sid, api key, id of a delivery-report profile posting {"id", "status"} to `url`)."""
    created = json.loads(scratch.manage(
        "create_account", "--name", "Bench", "--email", f"{uuid.uuid4().hex[:8]}@example.com",
        "--password", uuid.uuid4().hex))
    sid, key = created["sid"], created["api_key"]
    status, body = request("POST", port, f"/v1/{sid}/callback/profiles", {
        "title": "Delivery reports", "channel": "sms", "http_method": "POST", "url": url,
        "body": {"id": "<message_id>", "status": "<status>"}}, {"api-key": key})
    if status != 201:
        raise SystemExit(f"profile create: {status} {body[:500]!r}")
    return sid, key, json.loads(body)["data"]["profile_id"]


def line(label: str, text: str) -> None:
    print(f"{label:<46} {text}", flush=True)


def in_process(scratch: ScratchDeployment, seconds: float) -> None:
    """Item 1, before the server starts: nothing else (no worker) runs meanwhile."""
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", IN_PROCESS.replace("SECONDS", str(seconds))],
        cwd=PROJECT_DIR, env={**scratch.env, "DEBUG": "false"}, capture_output=True, text=True,
        timeout=300)
    if done.returncode != 0:
        line("in-process single send:", "failed: " + done.stderr[-500:])
        return
    send_rate, get_rate = map(float, done.stdout.split()[-2:])
    line("in-process single send:", f"{send_rate:8.1f} requests/s "
         f"({send_rate / get_rate:.2f} x the authenticated GET's {get_rate:.0f}/s)")


def run(database: str, seconds: float, latency_runs: int, port: int) -> None:
    print(f"\n== {database} (bin/serve: gunicorn + 2 bin/worker)", flush=True)
    with tempfile.TemporaryDirectory() as tmp, Receiver() as receiver, \
            ScratchDeployment(Path(tmp), database=database) as scratch:
        in_process(scratch, min(max(3.0, seconds / 6), 5))
        with Server(scratch, port):
            measure(scratch, receiver, port, seconds, latency_runs)
    if database == "postgres":
        with Receiver() as receiver:
            one = pipeline_rate(database, 1, BACKLOG, receiver, prequeued=True)
            two = pipeline_rate(database, 2, BACKLOG, receiver, prequeued=True)
        line(f"backlog of {BACKLOG} drained, 1 worker:", f"{one:8.1f} deliveries/s")
        line(f"backlog of {BACKLOG} drained, 2 workers:",
             f"{two:8.1f} deliveries/s ({two / one:.2f} x 1 worker)")


def measure(scratch: ScratchDeployment, receiver: Receiver, port: int, seconds: float,
            latency_runs: int) -> None:
    """Items 2-5 against the running server."""
    sid, key, profile_id = setup_account(scratch, port, receiver.url)
    auth = {"api-key": key}
    window = max(3.0, seconds / 6)

    def send(to: str = "+919876543210", profile: str | None = profile_id):
        data = {"to": to, "body": "Your code is 5556"}
        if profile:
            data["callback_profile_id"] = profile
        return request("POST", port, f"/v1/{sid}/messages", data, auth)

    def get_call():
        return request("GET", port, f"/v1/{sid}/callback/dynamic-variables?channel=sms",
                       headers=auth)

    healthz = saturate(lambda: request("GET", port, "/healthz"), window)
    get = saturate(get_call, window)
    line("baseline GET /healthz:", f"{healthz:8.1f} requests/s")
    line("baseline authenticated GET:", f"{get:8.1f} requests/s")

    sends = saturate(lambda: send(profile=None), window)
    line("single-recipient sends at saturation:", f"{sends:8.1f} sends/s "
         f"({sends / get:.2f} x authenticated GET, {sends / healthz:.2f} x /healthz)")

    # The API latency's baseline: the authenticated GET offered at the same rate.
    _, get_api, _ = offered(get_call, 200, window)
    line("baseline authenticated GET, 200/s offered:",
         f"p50 {statistics.median(get_api):.0f} ms p99 {percentile(get_api, .99):.0f} ms")
    before = len(receiver.bodies)
    accepted, api, took = offered(send, 200, seconds)
    latencies, lost, _ = reports(receiver, accepted, before)
    line(f"200 sends/s offered for {seconds:.0f} s:", f"{len(accepted) / took:8.1f} taken/s "
         f"({len(accepted) / took / get:.2f} x authenticated GET at saturation), "
         f"API p50 {statistics.median(api):.0f} ms p99 {percentile(api, .99):.0f} ms "
         f"(GET: {statistics.median(get_api):.0f} / {percentile(get_api, .99):.0f}); "
         f"accept -> report p50 {statistics.median(latencies):.0f} ms "
         f"p99 {percentile(latencies, .99):.0f} ms; {lost} lost")

    for number in range(1, latency_runs + 1):
        before = len(receiver.bodies)
        accepted, _, _ = offered(send, 100, min(seconds, 5))
        latencies, lost, _ = reports(receiver, accepted, before)
        line(f"~100 msg/s, run {number}: accept -> report",
             f"p50 {statistics.median(latencies):4.0f} ms, p99 "
             f"{percentile(latencies, .99):4.0f} ms; {lost} lost")

    numbers = ",".join(f"+9198765{n:05d}" for n in range(100))
    before, started = len(receiver.bodies), time.time()
    # As fast as CLIENTS clients can: one 100-recipient request per second of `--seconds`.
    accepted, _, took = offered(lambda: send(numbers), 1000, max(10, seconds) / 1000,
                                clients=CLIENTS)
    _, lost, last = reports(receiver, accepted, before, timeout=300)
    line("100-recipient requests, whole pipeline:",
         f"{len(accepted) / (last - started):8.1f} messages/s accepted -> reported "
         f"({len(accepted) / (last - started) / get:.2f} x authenticated GET requests/s; "
         f"{len(accepted) / took:.0f}/s accepted); {lost} lost")


SERVING_VARIANTS = [  # gunicorn settings compared by --serving
    {"WEB_WORKER_CLASS": "gthread", "WEB_CONCURRENCY": "5", "WEB_THREADS": "4"},
    {"WEB_WORKER_CLASS": "gthread", "WEB_CONCURRENCY": "2", "WEB_THREADS": "8"},
    {"WEB_WORKER_CLASS": "gthread", "WEB_CONCURRENCY": "3", "WEB_THREADS": "4"},
    {"WEB_WORKER_CLASS": "sync", "WEB_CONCURRENCY": "5", "WEB_THREADS": "1"},
    {"WEB_WORKER_CLASS": "sync", "WEB_CONCURRENCY": "9", "WEB_THREADS": "1"},
]


def serving(database: str, seconds: float, port: int) -> None:
    """Authenticated GET and single sends at saturation for each of SERVING_VARIANTS."""
    print(f"\n== {database}: gunicorn settings (1 bin/worker), {CLIENTS} clients", flush=True)
    for variant in SERVING_VARIANTS:
        get, sends = _saturation_rates(database, seconds, port, variant)
        label = ", ".join(f"{k.removeprefix('WEB_').lower()}={v}" for k, v in variant.items())
        line(label + ":", f"authenticated GET {get:6.1f}/s, single sends {sends:6.1f}/s")


def _saturation_rates(database: str, seconds: float, port: int,
                      variant: dict[str, str]) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as tmp, Receiver() as receiver, \
            ScratchDeployment(Path(tmp), database=database) as scratch, \
            Server(scratch, port, workers=1, **variant):
        sid, key, _ = setup_account(scratch, port, receiver.url)
        auth = {"api-key": key}
        get = saturate(lambda: request(
            "GET", port, f"/v1/{sid}/callback/dynamic-variables?channel=sms", headers=auth),
            seconds)
        sends = saturate(lambda: request(
            "POST", port, f"/v1/{sid}/messages", {"to": "+919876543210", "body": "hi"}, auth),
            seconds)
    return get, sends


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60,
                        help="length of the 200 sends/s run (the others scale with it)")
    parser.add_argument("--latency-runs", type=int, default=3)
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--serving", action="store_true",
                        help="only compare gunicorn settings (SERVING_VARIANTS)")
    args = parser.parse_args()
    databases = ["postgres", "sqlite"] if args.database == "both" else [args.database]
    if "postgres" in databases and not postgres_available():
        print("PostgreSQL at 127.0.0.1:5432 is unreachable: skipping it")
        databases.remove("postgres")
    for offset, database in enumerate(databases):
        if args.serving:
            serving(database, max(3.0, args.seconds / 6), PORT_BASE + offset)
        else:
            run(database, args.seconds, args.latency_runs, PORT_BASE + offset)


if __name__ == "__main__":
    main()
