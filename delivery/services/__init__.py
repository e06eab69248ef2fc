"""Writes of the delivery engine: record a callback, attempt it, retry it, resend it, test it.

One module per concern (policy.py documents the schedule and the auto-disable rule):

1. `outbox` — `delivery_create` runs inside the trigger's transaction: it renders the request
   from the profile and writes a PENDING Delivery; the send task is enqueued on commit.
   `delivery_resend` queues a copy of a delivery.
2. `attempts` — the task calls `delivery_attempt`, which claims the row, signs and sends it,
   records a DeliveryAttempt, and finishes the delivery or schedules the retry.
3. `recovery` — `delivery_recover` (management command `delivery_sweep`) re-queues deliveries
   whose worker died (SENDING past the lease) and PENDING ones whose task was lost.
4. `testing` — `send_test` / `send_profile_test`: one synchronous, unrecorded test callback.
5. `sending` — what the real and the test send share: signing, the OAuth Bearer token
   (`delivery.oauth`), transport options, error text.

Callers import from `delivery.services`; the names below are the public surface.
"""

from __future__ import annotations

from .attempts import delivery_attempt
from .outbox import deliveries_save, delivery_build, delivery_create, delivery_resend
from .recovery import delivery_recover
from .testing import RateLimited, TestOutcome, send_profile_test, send_test

__all__ = [
    "RateLimited",
    "TestOutcome",
    "delivery_attempt",
    "deliveries_save",
    "delivery_build",
    "delivery_create",
    "delivery_recover",
    "delivery_resend",
    "send_profile_test",
    "send_test",
]
