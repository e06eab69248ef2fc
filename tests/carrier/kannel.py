"""Kannel (Debian's `kannel`: bearerbox and smsbox) between the test SMSC and our server, with
the configuration README *Connecting a carrier* documents: the groups and settings of its
Kannel block are read from the README itself (with our server's URL and token in place of the
example's), completed with what only this test needs (ports, logs, the SMSC's address). The
platform submits through its sendsms as README's sendsms-user (a kannel:// carrier)."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

from tests.support.deployment import PROJECT_DIR, free_port

BEARERBOX, SMSBOX = "/usr/sbin/bearerbox", "/usr/sbin/smsbox"
SYSTEM_ID = "kannel"  # Kannel's bind at the SMSC (the worker's is the carrier URL's)
README_EXAMPLE = ("https://callbacks.example.com", "TOKEN")


def kannel_available() -> str:
    """Why Kannel cannot run here ("" when it can)."""
    if not (shutil.which(BEARERBOX) and shutil.which(SMSBOX)):
        return "Kannel is missing (Debian: apt-get install -y kannel; bin/test installs it)"
    return ""


def readme_groups() -> list[tuple[str, dict[str, str]]]:
    """The groups of README's Kannel block, in order: (group, {setting: value})."""
    text = (PROJECT_DIR / "README.md").read_text()
    block = text.split("In Kannel's configuration", 1)[1].split("\n\n", 1)[1]
    groups: list[tuple[str, dict[str, str]]] = []
    for line in block.splitlines():
        if line and not line.startswith("    "):
            break  # the paragraph after the block
        setting = re.match(r"\s+([a-z-]+) = (.*)$", line)
        if setting is None:
            continue  # blank or comment
        name, value = setting.groups()
        if name == "group":
            groups.append((value, {}))
        else:
            groups[-1][1][name] = value
    return groups


def _wait_listening(port: int, process: subprocess.Popen, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, f"{process.args[0]} exited with {process.returncode}"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"{process.args[0]} never listened on {port}")


class Kannel:
    """bearerbox bound to the SMSC at `smsc_port` as SYSTEM_ID, and smsbox calling `server`."""

    def __init__(self, workdir: Path, *, smsc_port: int, server: str, token: str) -> None:
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.smsbox_port, self.sendsms_port = free_port(), free_port()
        own = {
            "core": {"admin-port": str(free_port()), "admin-interface": "127.0.0.1",
                     "admin-password": "admin", "smsbox-port": str(self.smsbox_port),
                     "box-allow-ip": "127.0.0.1", "dlr-storage": "internal",
                     "log-file": f'"{self.workdir / "bearerbox.log"}"', "log-level": "0"},
            "smsc": {"smsc": "smpp", "smsc-id": "test", "host": "127.0.0.1",
                     "port": str(smsc_port), "transceiver-mode": "true",
                     "smsc-username": SYSTEM_ID, "smsc-password": "secret",
                     "system-type": '""', "reconnect-delay": "1"},
            "smsbox": {"bearerbox-host": "127.0.0.1", "bearerbox-port": str(self.smsbox_port),
                       "sendsms-port": str(self.sendsms_port), "sendsms-interface": "127.0.0.1",
                       "log-file": f'"{self.workdir / "smsbox.log"}"', "log-level": "0"},
        }
        groups = [(name, dict(settings)) for name, settings in own.items()]
        example, secret = README_EXAMPLE
        for name, settings in readme_groups():
            found = next((g for n, g in groups if n == name), None)
            if found is None:
                found = {}
                groups.append((name, found))
            found.update({key: value.replace(example, server).replace(secret, token)
                          for key, value in settings.items()})
        # The user the platform's kannel:// carrier submits as (README's sendsms-user).
        user = next(g for n, g in groups if n == "sendsms-user")
        self.user, self.password = user["username"], user["password"]
        self.config = self.workdir / "kannel.conf"
        self.config.write_text("\n".join(
            f"group = {name}\n" + "".join(f"{k} = {v}\n" for k, v in settings.items())
            for name, settings in groups))
        self.processes: list[subprocess.Popen] = []

    def _start(self, program: str) -> subprocess.Popen:
        log = open(self.workdir / f"{Path(program).name}.out", "wb")  # noqa: SIM115
        process = subprocess.Popen([program, str(self.config)], stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        self.processes.append(process)
        return process

    def __enter__(self) -> Kannel:
        try:
            _wait_listening(self.smsbox_port, self._start(BEARERBOX))
            self.start_smsbox()
        except BaseException:
            self.__exit__()
            raise
        return self

    def start_smsbox(self) -> None:
        _wait_listening(self.sendsms_port, self._start(SMSBOX))

    def stop_smsbox(self) -> None:
        """sendsms stops answering (bearerbox stays bound to the SMSC)."""
        _stop(self.processes.pop())

    def __exit__(self, *exc: object) -> None:
        for process in reversed(self.processes):
            _stop(process)

    def logs(self) -> str:
        return "\n".join(f"--- {path.name}\n{path.read_text(errors='replace')[-3000:]}"
                         for path in sorted(self.workdir.glob("*.log")))


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
