"""When a failed callback is retried, when it is given up, and when a profile is auto-disabled.

Retry schedule (README "How callbacks are delivered", after Svix and Standard Webhooks). The
first try happens as soon as the trigger commits; after each failed try the next one waits:

    ====  ==========  =========================
    try   wait        cumulative (about)
    ====  ==========  =========================
    1     —           0
    2     5 s         5 s
    3     5 min       5 min
    4     30 min      35 min
    5     2 h         2 h 35 min
    6     5 h         7 h 35 min
    7     10 h        17 h 35 min
    8     10 h        27 h 35 min
    ====  ==========  =========================

so a receiver may be down for about a day before a callback is given up (status ``failed``).
Each wait is stretched by a random 0-10 % (jitter) so callbacks that failed together (one
receiver outage) do not all come back in the same second.

An endpoint answering 429 (Too Many Requests) or 503 (Service Unavailable) with `Retry-After`
(seconds, or an HTTP date) is not tried again before it asked: the wait is the larger of the
schedule's and the one asked for, the latter capped at ``RETRY_AFTER_CAP`` (1 hour), as
Standard Webhooks recommends. Both answers also count as overload in the endpoint's adaptive
concurrency (delivery/engine/concurrency.py).

What counts as a failure: any response outside 2xx (redirects included; they are never
followed), a connect or read timeout, a connection or TLS error. Permanent errors — the SSRF guard
blocked the address, the URL is invalid, the request cannot be built — fail at once: retrying the
same request cannot succeed.

Auto-disable: a profile whose every delivery attempt has failed for ``AUTO_DISABLE_AFTER``
(5 days) — and with at least ``AUTO_DISABLE_MIN_ATTEMPTS`` failed attempts in that time, so a
profile used once a week is not disabled by two failures — becomes status 2 (Auto-Disabled).
One successful attempt resets the clock. While a profile is not active its new deliveries are
recorded as ``skipped`` and nothing is sent; re-enabling is manual (profile page or API).
Status 3 (Disabled by the user) never sends either.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

RETRY_DELAYS: tuple[timedelta, ...] = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=10),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1  # the first try plus one per delay
JITTER = 0.10

OVERLOAD_STATUSES = (429, 503)  # answers whose Retry-After is honoured
RETRY_AFTER_CAP = timedelta(hours=1)

AUTO_DISABLE_AFTER = timedelta(days=5)
AUTO_DISABLE_MIN_ATTEMPTS = 5


def retry_delay(attempts_made: int, *, rng: random.Random | None = None,
                asked: timedelta | None = None) -> timedelta | None:
    """How long to wait after ``attempts_made`` failed tries; ``None`` when none are left.
    ``asked``: the endpoint's Retry-After (``retry_after``)."""
    if attempts_made < 1 or attempts_made > len(RETRY_DELAYS):
        return None
    base = RETRY_DELAYS[attempts_made - 1] * (1 + (rng or random).uniform(0, JITTER))
    return max(base, min(asked, RETRY_AFTER_CAP)) if asked else base


def retry_after(status_code: int | None, headers: Mapping[str, str], *,
                now: datetime) -> timedelta | None:
    """The wait a 429 or 503 answer asks for in `Retry-After`, if it asks (a bad value is
    ignored)."""
    if status_code not in OVERLOAD_STATUSES:
        return None
    value = next((v for k, v in headers.items() if k.lower() == "retry-after"), "").strip()
    if value.isdigit():
        return timedelta(seconds=int(value))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    when = when if when.tzinfo else when.replace(tzinfo=UTC)
    return max(when - now, timedelta(0))
