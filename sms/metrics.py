"""SMS counters (see delivery/metrics.py for how processes add up)."""

from __future__ import annotations

from prometheus_client import Counter

ACCEPTED = Counter("sms_accepted", "SMS accepted by the send API and page, by type.", ["type"])
SETTLED = Counter("sms_settled", "SMS given their final status by the carrier.", ["status"])
CARRIER_SUBMITS = Counter("sms_carrier_submits", "submit_sm answered by carriers, by answer.",
                          ["carrier", "outcome"])
CARRIER_RECEIPTS = Counter("sms_carrier_receipts",
                           "Delivery receipts from carriers (applied, ignored, early).",
                           ["carrier", "outcome"])
