"""`bin/run` (the demo) counts what its worker does on /metrics, as `bin/serve` does: the web
process and the worker share one metrics directory."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import threading
import time

import requests

from .helpers import PROJECT_DIR, clean_env, free_port


def metric(text: str, name: str) -> float:
    return sum(float(value) for value in re.findall(rf"^{name}(?:{{[^}}]*}})? (\S+)$", text,
                                                    re.M))


def test_bin_run_shows_the_worker_counts_on_metrics(tmp_path):
    port = free_port()
    # No PROMETHEUS_MULTIPROC_DIR given: bin/run must set one up itself (.metrics/).
    env = clean_env(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
                    STATIC_ROOT=str(tmp_path / "static"),
                    PORT=str(port), SMS_DLR_DELAY_SECONDS="0")
    process = subprocess.Popen([str(PROJECT_DIR / "bin" / "run")], cwd=PROJECT_DIR, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               start_new_session=True)
    output: list[str] = []
    reader = threading.Thread(target=lambda: output.extend(process.stdout), daemon=True)
    reader.start()
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            assert process.poll() is None, "".join(output)
            try:
                requests.get(f"{base}/healthz", timeout=5)
                break
            except requests.RequestException:
                time.sleep(0.5)
        printed = "".join(output)
        sid = re.search(r"Account SID: (\S+)", printed).group(1)
        key = re.search(r"API key: (A[0-9a-f]{32})", printed).group(1)
        api = requests.Session()
        api.headers["api-key"] = key
        profiles = api.get(f"{base}/v1/{sid}/callback/profiles?http_method=POST").json()
        profile = next(p for p in profiles["data"]["results"] if p["channel"] == "sms")

        sent = api.post(f"{base}/v1/{sid}/messages", data={
            "to": "+919876543210", "body": "Hello", "callback_profile_id": profile["profile_id"]})
        assert sent.status_code == 202, sent.text

        text = ""
        while time.monotonic() < deadline:
            text = requests.get(f"{base}/metrics", timeout=10).text
            if metric(text, "callback_delivery_attempts_total") >= 1:
                break
            time.sleep(0.5)
        assert metric(text, "sms_accepted_total") == 1  # counted by the web process
        assert metric(text, "sms_settled_total") == 1  # by the worker
        assert metric(text, "callback_delivery_attempts_total") == 1, text
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
