"""Per-endpoint concurrency inside one worker process: adaptive, so a healthy busy endpoint
gets many slots and a slow or failing one few (additive increase, multiplicative decrease).

Every endpoint starts with `initial` slots. A quick success adds one, up to the endpoint's
ceiling (the profile's `max_concurrency`, else `ceiling`); a timeout, connection error, 5xx or
429 halves it (at least one); a slow success takes one away. Any other 4xx changes nothing:
the endpoint answered. Only the engine's loop thread calls this, so it needs no lock.
"""

from __future__ import annotations

from collections import Counter


class EndpointLimiter:
    def __init__(self, *, ceiling: int, initial: int, slow_ms: int) -> None:
        self.ceiling = max(1, ceiling)
        self.initial = max(1, min(initial, self.ceiling))
        self.slow_ms = slow_ms
        self._limits: dict[int, int] = {}
        self.in_flight: Counter[int] = Counter()

    def limit(self, key: int, profile_max: int | None = None) -> int:
        ceiling = min(self.ceiling, profile_max) if profile_max else self.ceiling
        return max(1, min(self._limits.get(key, self.initial), ceiling))

    def free(self, key: int, profile_max: int | None = None) -> int:
        return max(0, self.limit(key, profile_max) - self.in_flight[key])

    def acquire(self, key: int) -> None:
        self.in_flight[key] += 1

    def release(self, key: int) -> None:
        self.in_flight[key] -= 1
        if self.in_flight[key] <= 0:
            del self.in_flight[key]

    def saturated(self, profile_max: dict[int, int | None]) -> set[int]:
        """Endpoints with no free slot now (not worth claiming work for)."""
        return {key for key in self.in_flight if not self.free(key, profile_max.get(key))}

    def observe(self, key: int, *, ok: bool, endpoint_failure: bool, latency_ms: int | None,
                profile_max: int | None = None) -> None:
        current = self.limit(key, profile_max)
        if endpoint_failure:
            self._limits[key] = max(1, current // 2)
        elif ok and latency_ms is not None and latency_ms >= self.slow_ms:
            self._limits[key] = max(1, current - 1)
        elif ok:
            ceiling = min(self.ceiling, profile_max) if profile_max else self.ceiling
            self._limits[key] = min(ceiling, current + 1)

    @property
    def total_in_flight(self) -> int:
        return sum(self.in_flight.values())
