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
from datetime import timedelta

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

AUTO_DISABLE_AFTER = timedelta(days=5)
AUTO_DISABLE_MIN_ATTEMPTS = 5


def retry_delay(attempts_made: int, *, rng: random.Random | None = None) -> timedelta | None:
    """How long to wait after ``attempts_made`` failed tries; ``None`` when none are left."""
    if attempts_made < 1 or attempts_made > len(RETRY_DELAYS):
        return None
    base = RETRY_DELAYS[attempts_made - 1]
    return base * (1 + (rng or random).uniform(0, JITTER))
