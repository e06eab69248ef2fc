"""Every setting has one default: what `.env.example` lists is what `callbackadmin/settings.py`
uses when the variable is not set (README "Configuration")."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ENV_LINE = re.compile(r"^([A-Z_]+)=(.*)$")
# Read by bin/serve and gunicorn from the process environment, not by settings.py.
SERVER_ONLY = {"HOST", "WEB_THREADS", "WEB_TIMEOUT", "FORWARDED_ALLOW_IPS", "DELIVERY_WORKERS"}


def _listed_defaults() -> dict[str, str]:
    lines = (ROOT / ".env.example").read_text().splitlines()
    return {m.group(1): m.group(2) for line in lines if (m := ENV_LINE.match(line))}


def _settings_without_environment(names: list[str]) -> dict[str, object]:
    script = (
        "import json, os, sys; os.environ['DJANGO_SETTINGS_MODULE'] = 'callbackadmin.settings';"
        "from django.conf import settings;"
        "print(json.dumps({n: getattr(settings, n, None) for n in sys.argv[1:]}, default=str))"
    )
    clean = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp")}
    out = subprocess.run([sys.executable, "-c", script, *names], cwd=ROOT, env=clean,
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def _as_env_text(value: object) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list | tuple):
        return ",".join(map(str, value))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def test_env_example_states_the_defaults_settings_use():
    listed = {n: v for n, v in _listed_defaults().items() if n not in SERVER_ONLY}
    actual = _settings_without_environment(sorted(listed))
    different = {
        name: (text, _as_env_text(actual[name])) for name, text in listed.items()
        if actual[name] is not None and _as_env_text(actual[name]) != text
    }
    assert different == {}
