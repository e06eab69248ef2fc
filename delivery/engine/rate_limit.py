"""Per-profile rate limits (at most N requests per second or minute), across every worker.

Counted in fixed windows in the database with one conditional UPDATE per request, so any
number of worker processes on any number of hosts share the budget without a lock server.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F

from profiles.models import CallbackProfile, RatePeriod

from ..models import RateLimitWindow

PERIOD_SECONDS: dict[str, int] = {RatePeriod.SECOND: 1, RatePeriod.MINUTE: 60}


def _window(profile: CallbackProfile, now: float) -> tuple[datetime, float]:
    period = PERIOD_SECONDS.get(profile.rate_limit_period, 1)
    start = int(now // period) * period
    return datetime.fromtimestamp(start, tz=UTC), start + period


def try_acquire(profile: CallbackProfile) -> float | None:
    """Take one request from the profile's budget. `None` when granted, else the
    `time.time()` at which the current window ends (try again then)."""
    now = time.time()
    window_start, window_end = _window(profile, now)
    limit = profile.rate_limit or 0
    for _ in range(2):
        taken = RateLimitWindow.objects.filter(
            profile=profile, window_start=window_start, count__lt=limit
        ).update(count=F("count") + 1)
        if taken:
            return None
        if RateLimitWindow.objects.filter(profile=profile, window_start=window_start).exists():
            return window_end
        try:
            with transaction.atomic():
                RateLimitWindow.objects.create(profile=profile, window_start=window_start,
                                               count=1)
            return None
        except IntegrityError:
            continue  # another worker opened the window first: count in it
    return window_end


def finished_windows_cutoff(now: datetime) -> datetime:
    """Every window that started before this has ended: its row is only history (pruned by
    the retention prune, `ops/retention.py`)."""
    return now - timedelta(seconds=max(PERIOD_SECONDS.values()))
