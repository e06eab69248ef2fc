"""`bin/serve` runs the production web server (gunicorn + whitenoise): a page and its
compressed, content-hashed static files load through it, and SIGTERM stops everything."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

from .helpers import PRODUCTION_ENV, PROJECT_DIR, clean_env, free_port

BEHIND_TLS_PROXY = {"X-Forwarded-Proto": "https", "Host": "callbacks.example.com"}


def wait_until_serving(url: str, process: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"bin/serve exited with {process.returncode}")
        try:
            requests.get(url, timeout=10, headers=BEHIND_TLS_PROXY)
            return
        except requests.RequestException:  # not listening yet, or still booting
            time.sleep(0.3)
    raise AssertionError("gunicorn never started listening")


@contextmanager
def serving(tmp_path: Path):
    """bin/serve with the production environment, one worker, its own SQLite file."""
    port = free_port()
    env = clean_env(
        **PRODUCTION_ENV,
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        STATIC_ROOT=str(tmp_path / "static"),
        PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "metrics"),
        HOST="127.0.0.1", PORT=str(port), WEB_CONCURRENCY="2", DELIVERY_WORKERS="1",
    )
    process = subprocess.Popen([str(PROJECT_DIR / "bin" / "serve")], cwd=PROJECT_DIR, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base + "/login/", process)
        yield base, process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """Shared by the tests that only make requests (starting gunicorn takes a while)."""
    with serving(tmp_path_factory.mktemp("serve")) as running:
        yield running


@pytest.fixture
def served_alone(tmp_path):
    with serving(tmp_path) as running:
        yield running


def test_gunicorn_serves_a_page_with_hashed_compressed_static_files(served):
    base, process = served

    page = requests.get(base + "/login/", headers=BEHIND_TLS_PROXY, timeout=30)

    assert page.status_code == 200
    assert "Strict-Transport-Security" in page.headers  # HTTPS as seen through the proxy
    assert page.headers["X-Request-ID"]
    stylesheet = re.search(r'href="(/static/css/app\.[0-9a-f]{12}\.css)"', page.text)
    assert stylesheet, "the page links the content-hashed stylesheet"
    css = requests.get(base + stylesheet.group(1), headers={
        **BEHIND_TLS_PROXY, "Accept-Encoding": "gzip"}, timeout=10)
    assert css.status_code == 200
    assert css.headers["Content-Type"].startswith("text/css")
    assert css.headers.get("Content-Encoding") == "gzip"
    assert "immutable" in css.headers.get("Cache-Control", "")
    assert ".topbar" in css.text  # the real stylesheet, decompressed

    plain_http = requests.get(base + "/login/", headers={"Host": "callbacks.example.com"},
                              allow_redirects=False, timeout=10)
    assert plain_http.status_code == 301
    assert plain_http.headers["Location"].startswith("https://callbacks.example.com/")


def test_ready_once_the_worker_reports_and_metrics_are_served(served):
    base, process = served
    deadline = time.monotonic() + 90
    while True:
        ready = requests.get(base + "/readyz", timeout=30)
        if ready.status_code == 200 or time.monotonic() > deadline:
            break
        time.sleep(0.5)

    assert ready.status_code == 200, ready.json()
    assert ready.json()["checks"]["worker"]["ok"] is True
    metrics = requests.get(base + "/metrics", timeout=30)  # from 127.0.0.1: allowed
    assert metrics.status_code == 200
    assert "callback_delivery_workers 1.0" in metrics.text


def test_sigterm_stops_the_web_server_and_its_companions(served_alone):
    base, process = served_alone

    os.killpg(process.pid, signal.SIGTERM)

    process.wait(timeout=60)
    with pytest.raises(requests.ConnectionError):
        requests.get(base + "/login/", timeout=2)
