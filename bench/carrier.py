"""Carrier traffic over SMPP against the test SMSC (the npm `smpp` server, tests/carrier/smsc.js)
that allows 500 submits per second, on SQLite and PostgreSQL, in one run.

    .venv/bin/python bench/carrier.py [--count 2500] [--receipts 1000] [--database both]

Per database: a scratch deployment (its own database, one real `bin/worker`), SMS_CARRIER_URL
with tps=500 and window=50; the SMSC answers ESME_RTHROTTLED beyond 500 submits in a second.

1. submits/s: `count` messages are queued, then the worker starts; from the SMSC's first
   submit_sm to its last accepted answer (the SMSC's clock), against the 500/s allowed; and
   the worker's CPU time per submit from its bind to that last answer (less noisy than the
   rate on a shared machine).
2. receipt → callback: the SMSC sends `receipts` DELIVRD receipts at 100 per second; from each
   deliver_sm leaving the SMSC to its message's SMS Send callback arriving at a local receiver:
   p50 and p99.

Prints figures and ratios; asserts nothing (these machines are noisy). Needs Node.js and
tests/carrier/node_modules (bin/test installs them).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
# Run as a script, this folder comes first on sys.path and this file would shadow the app.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent]
sys.path.insert(0, str(PROJECT_DIR))

from tests.carrier.scripts import SETUP, VMN  # noqa: E402
from tests.carrier.smsc import Smsc, smsc_available  # noqa: E402
from tests.support.deployment import Receiver, ScratchDeployment, postgres_available  # noqa: E402

ALLOWED_TPS = 500
RECEIPT_RATE = 100

SEND_MANY = """
from accounts.models import Account
from sms.services import message_send
account = Account.objects.get(sid="{sid}")
for start in range(0, {count}, 100):
    numbers = ",".join(f"+9198{{n:08d}}" for n in range(start, min(start + 100, {count})))
    message_send(account=account, to=numbers, body="bench", callback_profile_id="{profile}")
"""


def _last_json(output: str) -> dict:
    return json.loads(output.strip().splitlines()[-1])


def run(database: str, count: int, receipts: int) -> dict:
    smsc = Smsc()
    smsc.command("set", tps=ALLOWED_TPS)
    url = f"{smsc.url(tps=ALLOWED_TPS, window=50)}"
    try:
        with tempfile.TemporaryDirectory() as tmp, Receiver() as receiver, ScratchDeployment(
                Path(tmp), database=database,
                env={"SMS_CARRIER_URL": url, "LOG_LEVEL": "ERROR"}) as scratch:
            account = _last_json(scratch.manage("shell", "-c", SETUP.format(
                url=receiver.url, vmn=VMN)))
            scratch.manage("shell", "-c", SEND_MANY.format(count=count, **account))
            worker = scratch.start_worker()
            smsc.wait_for("bind", timeout=60)
            cpu_at_bind = _cpu_seconds(worker.pid)
            accepted = smsc.wait_for("submit_resp", count=count, timeout=600, status=0)
            cpu = _cpu_seconds(worker.pid) - cpu_at_bind
            submits = smsc.events("submit")
            span = (accepted[-1]["t"] - submits[0]["t"]) / 1000
            throttled = len(smsc.events("submit_resp", status=0x58))

            rows = scratch.query("SELECT carrier_message_id, message_id FROM sms_message "
                                 f"ORDER BY id LIMIT {receipts}")
            by_carrier_id = dict(rows)
            smsc.command("receipts", ids=list(by_carrier_id), rate=RECEIPT_RATE)
            scratch.wait_until(lambda: len(receiver.bodies) >= receipts, timeout=120)
            sent_at = {e["message_id"]: e["t"] / 1000 for e in smsc.events("receipt_sent")}
            arrived = receiver.arrival_by_body_field("id")
            latencies = sorted(arrived[message_id] - sent_at[carrier_id]
                               for carrier_id, message_id in by_carrier_id.items()
                               if message_id in arrived)
            epoch = ("EXTRACT(EPOCH FROM settled_at)" if database == "postgres"
                     else "(julianday(settled_at) - 2440587.5) * 86400")
            settled = dict(scratch.query(
                f"SELECT carrier_message_id, {epoch} FROM sms_message "
                "WHERE settled_at IS NOT NULL"))
            to_settled = sorted(float(settled[c]) - sent_at[c] for c in by_carrier_id
                                if c in settled)
    finally:
        smsc.close()
    return {
        "submits_per_second": count / span, "throttled": throttled,
        "cpu_ms_per_submit": cpu * 1000 / count,
        "receipts": len(latencies), "p50": statistics.median(latencies),
        "p99": _p99(latencies), "settled_p50": statistics.median(to_settled),
        "settled_p99": _p99(to_settled),
    }


def _cpu_seconds(pid: int) -> float:
    """CPU time (user + system) process `pid` has used so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _p99(values: list[float]) -> float:
    return values[min(len(values) - 1, int(len(values) * 0.99))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2500)
    parser.add_argument("--receipts", type=int, default=1000)
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    args = parser.parse_args()
    reason = smsc_available()
    if reason:
        sys.exit(reason)
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    if "postgres" in databases and not postgres_available():
        print("PostgreSQL at 127.0.0.1:5432 is unreachable: SQLite only")
        databases.remove("postgres")
    for database in databases:
        found = run(database, args.count, args.receipts)
        print(f"{database}: {args.count} submits at {found['submits_per_second']:.0f}/s = "
              f"{found['submits_per_second'] / ALLOWED_TPS:.0%} of the {ALLOWED_TPS}/s allowed "
              f"(1 worker, {found['throttled']} throttled answers; the worker's CPU: "
              f"{found['cpu_ms_per_submit']:.2f} ms per submit)")
        print(f"{database}: receipt -> callback at {RECEIPT_RATE} receipts/s over "
              f"{found['receipts']} receipts: p50 {found['p50'] * 1000:.0f} ms, "
              f"p99 {found['p99'] * 1000:.0f} ms (receipt -> message settled: p50 "
              f"{found['settled_p50'] * 1000:.0f} ms, p99 {found['settled_p99'] * 1000:.0f} ms)")


if __name__ == "__main__":
    main()
