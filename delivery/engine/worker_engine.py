"""The engine of one worker process: many attempts in flight, fairly shared between endpoints.

One loop thread owns every database access; a bounded pool of sender threads only does HTTP.
Each `step()`:

1. records the attempts that finished since the last step, as one batch (recording.py), and
   feeds their latency and errors to the per-endpoint limiter (concurrency.py) and the circuit
   breaker (health.py);
2. starts a probe for each endpoint whose circuit cool-off is over (health.take_probes);
3. starts waiting deliveries whose endpoint has a free slot (and rate-limit budget);
4. claims more due deliveries for the free slots, never for an endpoint that is saturated,
   paused by its circuit or over its rate limit, so one slow or broken endpoint cannot fill
   the pool while everyone else waits.

Claimed deliveries wait in a small per-endpoint line until a slot frees; what does not fit
goes straight back to the queue (no attempt spent).
"""

from __future__ import annotations

import logging
import queue
import time
from collections import defaultdict, deque
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from profiles.models import CallbackProfile

from .. import transport
from ..models import Delivery
from ..services.outbox import skip_reason
from ..services.sending import transport_options
from . import claims, health, rate_limit, recording, wakeup
from .attempt import Outcome, ProfileCache, perform, prepare, unloadable
from .concurrency import EndpointLimiter

logger = logging.getLogger(__name__)

PAUSED_REFRESH_SECONDS = 0.5


class Engine:
    def __init__(self, *, worker_id: str, concurrency: int | None = None) -> None:
        self.worker_id = worker_id
        self.concurrency = max(1, concurrency or settings.DELIVERY_CONCURRENCY)
        self.batch_size = settings.DELIVERY_BATCH_SIZE
        self.limiter = EndpointLimiter(
            ceiling=settings.DELIVERY_ENDPOINT_CONCURRENCY,
            initial=settings.DELIVERY_ENDPOINT_INITIAL_CONCURRENCY,
            slow_ms=settings.DELIVERY_SLOW_RESPONSE_MS,
        )
        self.options = transport_options()
        transport.configure_pools(pool_size=self.concurrency)
        self._executor = ThreadPoolExecutor(max_workers=self.concurrency,
                                            thread_name_prefix="delivery-send")
        self._finished: queue.SimpleQueue[Outcome] = queue.SimpleQueue()
        self._waiting: dict[int, deque[Delivery]] = defaultdict(deque)
        self._profiles: dict[int, CallbackProfile] = {}
        self._rate_blocked: dict[int, float] = {}  # profile -> time.time() its window ends
        self._paused: set[int] = set()
        self._paused_checked = 0.0
        self._broken: list[Outcome] = []  # deliveries that failed before being sent
        # Finished attempts whose recording failed (the database went away): written next step.
        self._unrecorded: list[Outcome] = []
        # The last claim was cut short (no free slot, a saturated endpoint, a full batch):
        # more is due than this step took, so the next step should come at once.
        self.backlog = False

    # --- the loop ---------------------------------------------------------------------------

    def step(self, *, now: datetime | None = None, claim: bool = True) -> int:
        """One round; returns how much happened (0 = idle, the caller may wait)."""
        now = now or timezone.now()
        done = self._record_finished(now)
        if not claim:
            return done
        started = 0
        if time.monotonic() - self._paused_checked > PAUSED_REFRESH_SECONDS:
            self._paused = health.paused_profiles()
            self._paused_checked = time.monotonic()
            started += self._start_probes(now)
        started += self._start_waiting(now)
        started += self._claim(now)
        return done + started

    def wait(self, timeout: float) -> None:
        """Sleep until an attempt finishes, work is committed somewhere, or `timeout`."""
        if wakeup.WORK_ARRIVED.wait(timeout):
            wakeup.WORK_ARRIVED.clear()

    @property
    def in_flight(self) -> int:
        return self.limiter.total_in_flight

    @property
    def busy(self) -> bool:
        return bool(self.in_flight or self._waiting or self._broken or self._unrecorded
                    or not self._finished.empty())

    def in_flight_by_profile(self) -> dict[str, int]:
        return {str(pk): count for pk, count in self.limiter.in_flight.items()}

    def drain(self, *, timeout: float | None = None) -> None:
        """Stop taking work: give waiting deliveries back, let in-flight attempts finish and
        record them (SIGTERM). Attempts are bounded by the transport's timeouts."""
        now = timezone.now()
        self._release_waiting(list(self._waiting), now)
        deadline = None if timeout is None else time.monotonic() + timeout
        while (self.in_flight or not self._finished.empty() or self._broken
               or self._unrecorded):
            self.step(claim=False)
            if deadline is not None and time.monotonic() > deadline:
                break
            self.wait(0.05)
        self.step(claim=False)

    def close(self) -> None:
        self._executor.shutdown(wait=True)

    # --- recording --------------------------------------------------------------------------

    def _record_finished(self, now: datetime) -> int:
        outcomes, self._broken = self._broken, []
        while True:
            try:
                outcomes.append(self._finished.get_nowait())
            except queue.Empty:
                break
        if not outcomes and not self._unrecorded:
            return 0
        for outcome in outcomes:
            if outcome.prepared.profile is None:
                continue  # never sent, never held a slot
            pk = outcome.prepared.profile.pk
            self.limiter.release(pk)
            if outcome.result is not None and not outcome.endpoint_failure:
                self._paused.discard(pk)  # it answered: health.apply closes its circuit
            profile = self._profiles.get(pk)
            self.limiter.observe(pk, ok=outcome.succeeded,
                                 endpoint_failure=outcome.endpoint_failure or outcome.overloaded,
                                 latency_ms=outcome.latency_ms,
                                 profile_max=profile.max_concurrency if profile else None)
            if not self.limiter.in_flight[pk] and pk not in self._waiting:
                self._profiles.pop(pk, None)  # idle: the next claim brings a fresh copy
        self._unrecorded += outcomes  # until written: an error here leaves them for next time
        changes = recording.record(self._unrecorded, worker_id=self.worker_id, now=now)
        outcomes, self._unrecorded = self._unrecorded, []
        opened = [c.profile_pk for c in changes if c.opened or c.auto_disabled]
        if opened:
            self._paused.update(opened)
            self._release_waiting(opened, now)
        self._on_health_changes(changes)
        return len(outcomes)

    def _on_health_changes(self, changes: list[health.HealthChange]) -> None:
        for change in changes:
            if change.opened:
                logger.warning("Circuit opened for profile %s", change.profile_pk)
            if change.auto_disabled:
                logger.warning("Profile %s auto-disabled", change.profile_pk)

    # --- starting attempts ------------------------------------------------------------------

    def _profile_max(self, pk: int) -> int | None:
        profile = self._profiles.get(pk)
        return profile.max_concurrency if profile else None

    def _submit(self, delivery: Delivery, *, cache: ProfileCache) -> None:
        prepared = prepare(delivery, options=self.options, cache=cache)
        assert prepared.profile is not None
        self.limiter.acquire(prepared.profile.pk)
        future = self._executor.submit(perform, prepared)
        future.add_done_callback(self._finished_callback)

    def _finished_callback(self, future) -> None:
        self._finished.put(future.result())
        wakeup.WORK_ARRIVED.set()

    def _admit(self, claim: claims.Claim, now: datetime, *, probe: bool = False) -> int:
        """Sort claimed deliveries: unsendable ones are finished, the rest wait for a slot."""
        self._broken += [unloadable(claimed, now=now) for claimed in claim.unloadable]
        skipped = []
        for delivery in claim.deliveries:
            profile = delivery.profile
            reason = skip_reason(profile)
            if reason or profile is None:
                skipped.append((delivery, reason))
                continue
            self._profiles[profile.pk] = profile
            if probe:
                self._submit(delivery, cache=ProfileCache())  # the one probe: no waiting
            else:
                self._waiting[profile.pk].append(delivery)
        recording.finish_skipped(skipped, worker_id=self.worker_id, now=now)
        if self._broken:
            wakeup.WORK_ARRIVED.set()
        return len(claim)

    def _start_waiting(self, now: datetime) -> int:
        started = 0
        cache = ProfileCache()
        give_back: list[Delivery] = []
        for pk in list(self._waiting):
            line = self._waiting[pk]
            profile = self._profiles[pk]
            free = self.limiter.free(pk, profile.max_concurrency)
            while line and free:
                if profile.rate_limit and not self._rate_ok(profile):
                    break
                self._submit(line.popleft(), cache=cache)
                free -= 1
                started += 1
            # Hold at most one more round for this endpoint; the rest goes back to the queue.
            blocked = pk in self._rate_blocked
            keep = 0 if blocked else self.limiter.limit(pk, profile.max_concurrency)
            while len(line) > keep:
                give_back.append(line.pop())
            if not line:
                del self._waiting[pk]
        if give_back:
            claims.release(worker_id=self.worker_id, ids=[d.pk for d in give_back], now=now)
        return started

    def _rate_ok(self, profile: CallbackProfile) -> bool:
        blocked_until = self._rate_blocked.get(profile.pk)
        if blocked_until and time.time() < blocked_until:
            return False
        retry_at = rate_limit.try_acquire(profile)
        if retry_at is None:
            self._rate_blocked.pop(profile.pk, None)
            return True
        self._rate_blocked[profile.pk] = retry_at
        return False

    def _release_waiting(self, profile_pks: list[int], now: datetime) -> None:
        ids = [d.pk for pk in profile_pks for d in self._waiting.pop(pk, ())]
        claims.release(worker_id=self.worker_id, ids=ids, now=now)

    def _start_probes(self, now: datetime) -> int:
        started = 0
        for pk in health.take_probes(now=now):
            found = claims.claim_due(worker_id=self.worker_id, limit=1, now=now, only_profile=pk)
            if not found:
                health.close_without_probe(pk)
                self._paused.discard(pk)
                continue
            started += self._admit(found, now, probe=True)
        return started

    def _claim(self, now: datetime) -> int:
        waiting = sum(len(line) for line in self._waiting.values())
        free = min(self.batch_size, self.concurrency - self.in_flight - waiting)
        self.backlog = free <= 0
        if free <= 0:
            return 0
        clock = time.time()
        self._rate_blocked = {pk: t for pk, t in self._rate_blocked.items() if t > clock}
        maxima = {pk: self._profile_max(pk) for pk in self.limiter.in_flight}
        saturated = self.limiter.saturated(maxima)
        exclude = saturated | set(self._waiting) | self._paused | set(self._rate_blocked)
        claimed = claims.claim_due(worker_id=self.worker_id, limit=free, now=now,
                                   exclude_profiles=exclude)
        self.backlog = bool(saturated or self._waiting) or len(claimed) >= free
        if not claimed:
            return 0
        self._admit(claimed, now)
        return self._start_waiting(now) or len(claimed)
