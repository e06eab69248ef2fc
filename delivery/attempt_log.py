"""One structured log line per delivery attempt, for operators (grep it, or ship it as JSON).

The engine calls `log_attempt` after each attempt. In text format the line reads
`attempt profile=IN_… delivery=… attempt=2 outcome=failed status=503 latency_ms=120 error="…"`;
with `LOG_FORMAT=json` the same fields are JSON keys.
"""

from __future__ import annotations

import json
import logging

logger = logging.getLogger("delivery.attempts")


def _logfmt(value: object) -> str:
    if isinstance(value, str) and (not value or " " in value or '"' in value):
        return json.dumps(value)
    return str(value)


def log_attempt(
    *,
    profile_id: str,
    delivery_id: str,
    event: str,
    attempt: int,
    outcome: str,
    status_code: int | None,
    latency_ms: int | None,
    error: str = "",
) -> None:
    fields = {
        "profile": profile_id,
        "delivery": str(delivery_id),
        "event": event,
        "attempt": attempt,
        "outcome": outcome,
        "status": status_code,
        "latency_ms": latency_ms,
        "error": error,
    }
    text = " ".join(f"{name}={_logfmt(value)}" for name, value in fields.items())
    level = logging.INFO if outcome == "succeeded" else logging.WARNING
    logger.log(level, "attempt %s", text, extra=fields)
