"""`/metrics` in Prometheus text format.

Process counters (delivery attempts and latency, SMS accepted/settled, inbound SMS, Test
calls) come from every process: with PROMETHEUS_MULTIPROC_DIR set they are summed from the
per-process files, else this process's registry is used. Gauges about the queue and the
deliveries table are read from the database at scrape time, so they are right whichever
process answers.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
from datetime import timedelta

from django.conf import settings
from django.db.models import Count
from django.http import HttpRequest
from django.utils import timezone
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily

import delivery.metrics  # noqa: F401 - registers the engine's counters
import receive_sms.metrics  # noqa: F401 - registers the inbound counter
import sms.metrics  # noqa: F401 - registers the SMS counters
from delivery.models import Delivery


class DatabaseCollector:
    """Gauges computed from the database at scrape time."""

    def collect(self):
        from delivery.selectors import queue_stats

        stats = queue_stats()
        yield GaugeMetricFamily("callback_delivery_queue_depth",
                                "Deliveries due now and not yet claimed.", value=stats.depth)
        yield GaugeMetricFamily(
            "callback_delivery_oldest_due_age_seconds",
            "How long the oldest due delivery has waited (0 when none is due).",
            value=stats.oldest_due_age_seconds or 0.0)
        yield GaugeMetricFamily("callback_delivery_in_flight",
                                "Deliveries being sent right now.", value=stats.in_flight)
        yield GaugeMetricFamily("callback_delivery_open_circuits",
                                "Endpoints whose circuit breaker is open.",
                                value=stats.open_circuits)
        yield GaugeMetricFamily("callback_delivery_workers",
                                "Delivery workers with a recent heartbeat.",
                                value=stats.workers)
        # The last 24 hours only: an index range whatever the retention, so a scrape stays
        # cheap on a table of millions (bench/retention.py).
        by_status = GaugeMetricFamily(
            "callback_deliveries_last_24h",
            "Deliveries created in the last 24 hours, by current status and event.",
            labels=["status", "event"])
        since = timezone.now() - timedelta(hours=24)
        rows = (Delivery.objects.filter(created_at__gte=since).order_by()
                .values("status", "event").annotate(n=Count("pk")))
        for row in rows:
            by_status.add_metric([row["status"], row["event"]], row["n"])
        yield by_status
        yield from _carrier_gauges()


def _carrier_gauges():
    from sms.smpp.status import carrier_status

    binds = GaugeMetricFamily("sms_carrier_binds_up", "SMPP sessions bound, per carrier.",
                              labels=["carrier"])
    outstanding = GaugeMetricFamily("sms_carrier_outstanding",
                                    "submit_sm awaiting their answer, per carrier.",
                                    labels=["carrier"])
    waiting = GaugeMetricFamily("sms_carrier_unsubmitted",
                                "Messages not yet submitted to their carrier.", labels=["carrier"])
    oldest = GaugeMetricFamily("sms_carrier_oldest_unsubmitted_age_seconds",
                               "How long the oldest unsubmitted message has waited.",
                               labels=["carrier"])
    for carrier in carrier_status():
        binds.add_metric([carrier.name], carrier.binds_up)
        outstanding.add_metric([carrier.name], carrier.outstanding)
        waiting.add_metric([carrier.name], carrier.unsubmitted)
        oldest.add_metric([carrier.name], carrier.oldest_unsubmitted_age_seconds or 0.0)
    yield from (binds, outstanding, waiting, oldest)


_database_registry = CollectorRegistry(auto_describe=False)
_database_registry.register(DatabaseCollector())


def metrics_allowed(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    given = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return True
    try:
        client = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(client in ipaddress.ip_network(cidr, strict=False)
               for cidr in settings.METRICS_ALLOWED_IPS)


def process_metrics() -> bytes:
    """The counters of every process (multiprocess mode) or of this one."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    return generate_latest(registry)


def render_metrics() -> bytes:
    return process_metrics() + generate_latest(_database_registry)
