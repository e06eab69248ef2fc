"""Running the product as a separate process, as an operator would."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "t3st-pr0duction-k3y-that-is-long-and-random-enough-Zq8xW2vB7nM4kL",
    "FIELD_ENCRYPTION_KEY": "field-key-for-the-production-test",
    "INBOUND_SMS_TOKEN": "carrier-token-for-the-production-test",
    "ALLOWED_HOSTS": "callbacks.example.com,127.0.0.1",
    "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
    "SECURE_HSTS_PRELOAD": "true",
    "SESSION_COOKIE_SECURE": "true",
    "CSRF_COOKIE_SECURE": "true",
    "EMAIL_URL": "smtp://alerts:secret@127.0.0.1:2525",
}


def clean_env(**overrides: str) -> dict[str, str]:
    """The environment of this test run without any product setting, plus `overrides`."""
    # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process; a deployment must not.
    dropped = {"DATABASE_URL", "STATIC_ROOT", "DJANGO_ALLOW_ASYNC_UNSAFE",
               "PROMETHEUS_MULTIPROC_DIR", "LOG_FORMAT"}
    keep = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV and k not in dropped}
    return {**keep, **overrides}


def run_python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=PROJECT_DIR, env=env,
                          capture_output=True, text=True, timeout=120)


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=PROJECT_DIR, env=env,
                          capture_output=True, text=True, timeout=300)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
