"""The test SMSC: tests/carrier/smsc.js (the npm `smpp` package's server) in a Node process,
driven with JSON lines. `Smsc.events(name)` is what it saw; `command()` tells it what to do."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPT = HERE / "smsc.js"
MODULES = HERE / "node_modules" / "smpp"


def smsc_available() -> str:
    """Why the SMSC cannot run here ("" when it can)."""
    if shutil.which("node") is None:
        return "Node.js is missing (Debian: apt-get install -y nodejs npm)"
    if not MODULES.exists():
        return "the npm smpp package is missing: bin/test installs tests/carrier/package.json"
    return ""


class Smsc:
    """`tls`: (key, certificate) PEM files: SMPP over TLS."""

    def __init__(self, tls: tuple[Path, Path] | None = None) -> None:
        env = {**os.environ, "SMSC_TLS_KEY": str(tls[0]), "SMSC_TLS_CERT": str(tls[1])} \
            if tls else None
        self.process = subprocess.Popen(
            ["node", str(SCRIPT)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, bufsize=1, env=env)
        self.log: list[dict] = []
        self.lock = threading.Lock()
        self.changed = threading.Condition(self.lock)
        threading.Thread(target=self._read, daemon=True).start()
        listening = self.wait_for("listening", timeout=20)
        assert listening, self.process.stderr.read() if self.process.poll() is not None else ""
        self.port = listening[0]["port"]

    def _read(self) -> None:
        for line in self.process.stdout:
            event = json.loads(line)
            with self.changed:
                self.log.append(event)
                self.changed.notify_all()

    def url(self, **options: object) -> str:
        query = "&".join(f"{k}={v}" for k, v in {"enquire_link": 2, **options}.items())
        return f"smpp://tester:secret@127.0.0.1:{self.port}?{query}"

    def command(self, cmd: str, **fields: object) -> None:
        done = len(self.events("done"))
        self.process.stdin.write(json.dumps({"cmd": cmd, **fields}) + "\n")
        self.process.stdin.flush()
        assert self.wait_for("done", count=done + 1, timeout=10)

    def events(self, name: str, **where: object) -> list[dict]:
        with self.lock:
            return [e for e in self.log if e["event"] == name
                    and all(e.get(k) == v for k, v in where.items())]

    def wait_for(self, name: str, *, count: int = 1, timeout: float = 30,
                 **where: object) -> list[dict]:
        """The first `count` matching events once there are that many, else []."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                found = [e for e in self.log if e["event"] == name
                         and all(e.get(k) == v for k, v in where.items())]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    return []
                self.changed.wait(left)

    def close(self) -> None:
        self.process.stdin.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
