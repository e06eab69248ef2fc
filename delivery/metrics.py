"""The delivery engine's own Prometheus metrics, counted in whichever process does the work.

Counters and histograms are per process; with `PROMETHEUS_MULTIPROC_DIR` set (bin/serve sets
it) every process writes them to that folder and `/metrics` adds them up, so the web workers
and the delivery workers report as one. Gauges read from the database (queue depth, oldest due
age, open circuits, deliveries by status) are computed at scrape time by `ops.metrics`.
"""

from __future__ import annotations

from prometheus_client import Counter, Histogram

# Outcomes of one attempt: succeeded, failed (will retry or gave up), error (no HTTP answer).
ATTEMPTS = Counter(
    "callback_delivery_attempts",
    "Callback delivery attempts, by event and outcome.",
    ["event", "outcome"],
)
ATTEMPT_LATENCY = Histogram(
    "callback_delivery_attempt_latency_seconds",
    "Time from sending a callback to its endpoint's answer.",
    ["event"],
    buckets=(0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30),
)
TEST_CALLS = Counter(
    "callback_test_calls",
    "Test callbacks (the Test button and the test API), by outcome.",
    ["outcome"],
)


def observe_attempt(*, event: str, outcome: str, latency_seconds: float | None) -> None:
    """Count one finished attempt; the engine calls it once per attempt."""
    ATTEMPTS.labels(event=event, outcome=outcome).inc()
    if latency_seconds is not None:
        ATTEMPT_LATENCY.labels(event=event).observe(latency_seconds)


def observe_test_call(*, ok: bool) -> None:
    TEST_CALLS.labels(outcome="succeeded" if ok else "failed").inc()
