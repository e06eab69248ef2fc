"""What `/readyz` checks: the database answers, every migration is applied, a delivery worker
reported in the last minute, the oldest due delivery is not waiting too long, and no carrier
has messages waiting without a bind up (README: Connecting a carrier)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


_migrations_applied = False  # once true it stays true for this process: skip the graph load


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return Check("database", False, f"unreachable: {str(exc).strip()[:200]}")
    return Check("database", True, "reachable")


def check_migrations() -> Check:
    global _migrations_applied
    if not _migrations_applied:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if plan:
            names = ", ".join(f"{m.app_label}.{m.name}" for m, _ in plan[:5])
            return Check("migrations", False, f"{len(plan)} not applied: {names}")
        _migrations_applied = True
    return Check("migrations", True, "all applied")


def check_worker(now: datetime) -> Check:
    from delivery.selectors import last_worker_heartbeat, stopped_worker_loops

    limit = settings.READYZ_HEARTBEAT_MAX_AGE_SECONDS
    seen = last_worker_heartbeat()
    if seen is None:
        return Check("worker", False, "no delivery worker has reported")
    age = (now - seen).total_seconds()
    if age > limit:
        return Check("worker", False, f"last worker heartbeat {age:.0f} s ago (limit {limit} s)")
    stopped = stopped_worker_loops(since=now - timedelta(seconds=limit))
    if stopped:
        names = "; ".join(f"{worker}: {', '.join(loops)}" for worker, loops in stopped.items())
        return Check("worker", False, f"a worker loop stopped ({names})")
    return Check("worker", True, f"last worker heartbeat {age:.0f} s ago")


def check_queue() -> Check:
    from delivery.selectors import queue_stats

    limit = settings.READYZ_MAX_QUEUE_AGE_SECONDS
    stats = queue_stats()
    age = stats.oldest_due_age_seconds
    if age is not None and age > limit:
        return Check("queue", False,
                     f"oldest due delivery waiting {age:.0f} s (limit {limit} s); "
                     f"{stats.depth} due")
    waiting = f"oldest waiting {age:.0f} s" if age is not None else "nothing due"
    return Check("queue", True, f"{stats.depth} due, {waiting}")


def check_carriers() -> Check | None:
    """Only when real carriers are configured (the simulator needs no bind)."""
    from sms.smpp.status import carrier_status

    carriers = carrier_status()
    if not carriers:
        return None
    stranded = [c.name for c in carriers if c.unsubmitted and not c.binds_up]
    if stranded:
        return Check("carriers", False,
                     f"messages wait and no bind is up: {', '.join(stranded)}")
    return Check("carriers", True, "every carrier with messages waiting has a bind up")


def readiness_checks() -> list[Check]:
    database = check_database()
    if not database.ok:
        return [database]  # nothing else can be asked
    migrations = check_migrations()
    checks = [database, migrations, check_worker(timezone.now()), check_queue()]
    carriers = check_carriers() if migrations.ok else None
    return checks + [carriers] if carriers else checks
