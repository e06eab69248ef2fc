"""Writes of the delivery app around the engine: record a callback, resend it, recover it,
test it. Sending is the engine's (`delivery/engine/`, run by `bin/worker`); retry schedule and
auto-disable rule: `delivery/policy.py`.

1. `outbox` — `delivery_create` runs inside the trigger's transaction: it renders the request
   from the profile and writes a PENDING Delivery (the table is the queue; workers are woken
   on commit). `delivery_resend` queues a copy of a delivery.
2. `dead_worker_sweep` — `delivery_sweep` (management command `delivery_sweep`) gives back the
   deliveries of dead workers and claims past the lease.
3. `testing` — `send_test` / `send_profile_test`: one synchronous, unrecorded test callback.
4. `sending` — what the engine and the test send share: signing, the OAuth Bearer token
   (`delivery.oauth`), transport options, error text.

Callers import from `delivery.services`; the names below are the public surface.
"""

from __future__ import annotations

from .dead_worker_sweep import delivery_sweep
from .outbox import deliveries_save, delivery_build, delivery_create, delivery_resend
from .testing import RateLimited, TestOutcome, send_profile_test, send_test

__all__ = [
    "RateLimited",
    "TestOutcome",
    "deliveries_save",
    "delivery_build",
    "delivery_create",
    "delivery_sweep",
    "delivery_resend",
    "send_profile_test",
    "send_test",
]
