"""Inbound SMS counter (see delivery/metrics.py for how processes add up)."""

from __future__ import annotations

from prometheus_client import Counter

RECEIVED = Counter(
    "sms_inbound_received", "Incoming SMS received on a VMN, by whether a configuration matched.",
    ["matched"],
)
