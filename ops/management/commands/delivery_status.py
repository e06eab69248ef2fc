"""The operator's view of the delivery engine: queue depth, live workers, what is in flight
per endpoint, which endpoints are paused by their circuit breaker; and the carriers' SMPP
binds (README: Connecting a carrier)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand

from delivery.selectors import OperatorStatus, operator_status
from sms.smpp.status import CarrierStatus, carrier_status


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None


def _ago(now: datetime, moment: datetime) -> str:
    return f"{max(0.0, (now - moment).total_seconds()):.1f} s ago"


def _age(seconds: float | None) -> float | None:
    return round(seconds, 3) if seconds is not None else None


def carriers_as_dict(carriers: list[CarrierStatus]) -> list[dict[str, Any]]:
    return [
        {
            "name": c.name,
            "binds": [{"slot": b.slot, "state": b.state, "holder": b.holder,
                       "outstanding": b.outstanding, "detail": b.detail} for b in c.binds],
            "binds_up": c.binds_up,
            "outstanding": c.outstanding,
            "submits_per_second": c.submits_per_second,
            "receipts_per_second": c.receipts_per_second,
            "unsubmitted": c.unsubmitted,
            "oldest_unsubmitted_age_seconds": _age(c.oldest_unsubmitted_age_seconds),
        }
        for c in carriers
    ]


def carriers_as_text(carriers: list[CarrierStatus]) -> list[str]:
    lines = ["", f"Carriers: {len(carriers) or 'none (the carrier simulator settles SMS)'}"]
    for c in carriers:
        oldest = (f"oldest {c.oldest_unsubmitted_age_seconds:.1f} s"
                  if c.oldest_unsubmitted_age_seconds is not None else "none waiting")
        lines.append(f"  {c.name}: {c.binds_up} bind(s) up, {c.outstanding} outstanding, "
                     f"{c.submits_per_second:.1f} submits/s, {c.receipts_per_second:.1f} "
                     f"receipts/s, {c.unsubmitted} unsubmitted ({oldest})")
        lines += ["  " + line for line in _table(
            ["SLOT", "STATE", "HOLDER", "OUTSTANDING", "DETAIL"],
            [[b.slot, b.state, b.holder, b.outstanding, b.detail or "-"] for b in c.binds],
        )] if c.binds else ["    no bind held: is a bin/worker running?"]
    return lines


def status_as_dict(status: OperatorStatus) -> dict[str, Any]:
    now, queue = status.now, status.queue
    return {
        "generated_at": _iso(now),
        "queue": {
            "depth": queue.depth,
            "oldest_due_age_seconds": round(queue.oldest_due_age_seconds, 3)
            if queue.oldest_due_age_seconds is not None else None,
            "in_flight": queue.in_flight,
        },
        "workers": [
            {
                "worker_id": worker.worker_id,
                "hostname": worker.hostname,
                "pid": worker.pid,
                "in_flight": worker.in_flight,
                "started_at": _iso(worker.started_at),
                "last_seen_at": _iso(worker.last_seen_at),
                "last_seen_seconds_ago": round((now - worker.last_seen_at).total_seconds(), 3),
                "stopping": worker.stopping,
            }
            for worker in status.workers
        ],
        "stale_workers": status.stale_workers,
        "in_flight_by_endpoint": [
            {"profile_id": row.profile_id, "title": row.title, "account_sid": row.account_sid,
             "in_flight": row.in_flight}
            for row in status.endpoints
        ],
        "open_circuits": [
            {
                "profile_id": state.profile.profile_id,
                "title": state.profile.title,
                "account_sid": state.profile.account.sid,
                "state": state.circuit,
                "consecutive_failures": state.consecutive_failures,
                "opened_at": _iso(state.opened_at),
                "reopen_at": _iso(state.reopen_at),
            }
            for state in status.open_circuits
        ],
    }


def _table(headings: list[str], rows: list[list[Any]]) -> list[str]:
    cells = [headings] + [[str(value) for value in row] for row in rows]
    widths = [max(len(row[index]) for row in cells) for index in range(len(headings))]
    return ["  " + "  ".join(value.ljust(width) for value, width in zip(row, widths, strict=True))
            .rstrip() for row in cells]


def status_as_text(status: OperatorStatus) -> str:
    now, queue = status.now, status.queue
    oldest = (f"oldest due {queue.oldest_due_age_seconds:.1f} s ago"
              if queue.oldest_due_age_seconds is not None else "nothing waiting")
    lines = [
        f"Queue: {queue.depth} due deliveries ({oldest}); {queue.in_flight} attempts in flight",
        "",
        f"Workers: {len(status.workers)} live",
    ]
    if status.workers:
        lines += _table(
            ["WORKER", "HOST", "PID", "IN FLIGHT", "LAST SEEN", ""],
            [[w.worker_id, w.hostname, w.pid, w.in_flight, _ago(now, w.last_seen_at),
              "stopping" if w.stopping else ""] for w in status.workers],
        )
    else:
        lines.append("  none: start one with bin/worker")
    if status.stale_workers:
        lines.append(f"  ({status.stale_workers} stale heartbeat(s): presumed dead)")
    lines += ["", "In flight per endpoint:"]
    if status.endpoints:
        lines += _table(
            ["PROFILE", "TITLE", "ACCOUNT", "IN FLIGHT"],
            [[r.profile_id or "-", r.title, r.account_sid or "-", r.in_flight]
             for r in status.endpoints],
        )
    else:
        lines.append("  nothing in flight")
    lines += ["", f"Open circuits: {len(status.open_circuits)}"]
    if status.open_circuits:
        lines += _table(
            ["PROFILE", "TITLE", "ACCOUNT", "STATE", "FAILURES", "REOPENS"],
            [[s.profile.profile_id, s.profile.title, s.profile.account.sid, s.circuit,
              s.consecutive_failures,
              s.reopen_at.strftime("%Y-%m-%d %H:%M:%S UTC") if s.reopen_at else "-"]
             for s in status.open_circuits],
        )
    return "\n".join(lines)


class Command(BaseCommand):
    help = ("Show the delivery queue (due deliveries, oldest due age), live workers, attempts "
            "in flight per endpoint, open circuits and the carriers' SMPP binds.")

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true",
                            help="Print the same as one JSON object.")

    def handle(self, *args, **options):
        status, carriers = operator_status(), carrier_status()
        if options["json"]:
            self.stdout.write(json.dumps({**status_as_dict(status),
                                          "carriers": carriers_as_dict(carriers)}))
        else:
            self.stdout.write("\n".join([status_as_text(status), *carriers_as_text(carriers)]))
