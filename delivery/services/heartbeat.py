"""Worker heartbeats: each worker process says every few seconds that it is alive and how busy
it is. The recovery sweep trusts a claim only while its worker's heartbeat is fresh."""

from __future__ import annotations

import os
import socket
from datetime import datetime

from django.utils import timezone

from ..models import WorkerHeartbeat


def heartbeat_beat(*, worker_id: str, started_at: datetime, in_flight: int = 0,
                   endpoints: dict[str, int] | None = None, stopping: bool = False,
                   loops: dict[str, str] | None = None) -> None:
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "hostname": socket.gethostname()[:255], "pid": os.getpid(),
            "started_at": started_at, "last_seen_at": timezone.now(),
            "in_flight": in_flight, "endpoints": endpoints or {}, "stopping": stopping,
            "loops": loops or {},
        },
    )


def heartbeat_remove(*, worker_id: str) -> None:
    """A worker that stopped cleanly holds nothing any more."""
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()
