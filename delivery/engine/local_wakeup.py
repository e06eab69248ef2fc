"""Wake-ups between processes sharing one SQLite file, which has no NOTIFY.

Each worker listens on a Unix datagram socket in a directory named after the database file
(under the system's temporary folder); a process that commits work sends one empty datagram to
every socket there. A socket whose worker died is removed by the first sender that finds it
refusing; a full queue means that worker is awake anyway. The poll stays the fallback.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import os
import socket
import tempfile
import threading
from pathlib import Path

from django.db import connection

logger = logging.getLogger(__name__)


def directory() -> Path | None:
    """Where this database's workers listen; None for an in-memory database."""
    if connection.vendor != "sqlite":
        return None
    return _directory_of(str(connection.settings_dict.get("NAME") or ""))


@functools.lru_cache(maxsize=8)
def _directory_of(name: str) -> Path | None:
    if not name or name == ":memory:" or "mode=memory" in name:
        return None
    digest = hashlib.sha256(os.path.abspath(name).encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"callback-profiles-wakeup-{digest}"


def broadcast() -> None:
    """Wake every worker listening for this database (never raises)."""
    folder = directory()
    if folder is None:
        return
    try:
        entries = [entry.path for entry in os.scandir(folder) if entry.name.endswith(".sock")]
    except OSError:
        return  # no worker listens
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sender:
        sender.setblocking(False)
        for path in entries:
            try:
                sender.sendto(b"", path)
            except (ConnectionRefusedError, FileNotFoundError):
                with contextlib.suppress(OSError):
                    os.unlink(path)  # its worker is gone
            except OSError:
                pass  # its queue is full: that worker is awake anyway


class Listener(threading.Thread):
    """Receives the datagrams and sets `event` for each."""

    loop_name = "local-wakeup"

    def __init__(self, folder: Path, event: threading.Event) -> None:
        super().__init__(name=self.loop_name, daemon=True)
        self.folder, self.event = folder, event
        self.path = folder / f"{os.getpid()}.sock"
        self.state = "running"
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            try:
                self.folder.mkdir(exist_ok=True)
                with contextlib.suppress(FileNotFoundError):
                    self.path.unlink()
                with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as receiver:
                    receiver.bind(str(self.path))
                    receiver.settimeout(1.0)
                    self.state = "running"
                    while not self._stop_event.is_set():
                        try:
                            receiver.recv(16)
                        except TimeoutError:
                            continue
                        self.event.set()
            except OSError as exc:
                logger.warning("Wake-up socket %s failed (%s); polling meanwhile", self.path, exc)
                self.state = f"restarting: {exc}"
                self._stop_event.wait(2.0)
        with contextlib.suppress(OSError):
            self.path.unlink()

    def stop(self) -> None:
        self._stop_event.set()
