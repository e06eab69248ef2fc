"""Real worker processes SIGKILLed while they hold a bind: mid-submit (the window in flight)
and mid-receipt. Nothing is lost; under at-least-once at most `window` messages are submitted
twice, under at-most-once none is (those settle Failed / UNKNOWN-SUBMIT)."""

from __future__ import annotations

import collections

import pytest

from tests.carrier.conftest import CarrierDeployment
from tests.support.deployment import postgres_available

needs_postgres = pytest.mark.skipif(not postgres_available(),
                                    reason="PostgreSQL at 127.0.0.1:5432 is unreachable")
BOTH_DATABASES = pytest.mark.parametrize(
    "database", ["sqlite", pytest.param("postgres", marks=needs_postgres)])
WINDOW = 5


def _numbers(first: int, count: int) -> list[str]:
    return [f"+91987660{n:04d}" for n in range(first, first + count)]


def _states(carrier, message_ids: list[str]) -> collections.Counter:
    return collections.Counter((carrier.message(m)["status"], carrier.message(m)["submit_state"])
                               for m in message_ids)


def _kill_mid_submit(carrier, count: int) -> list[str]:
    """Send `count` messages, let the window fill unanswered, SIGKILL the worker."""
    carrier.smsc.command("set", hold=True)
    worker = carrier.scratch.start_worker()
    ids = carrier.send(",".join(_numbers(1, count)), "hello")
    assert carrier.smsc.wait_for("submit", count=WINDOW, timeout=60), carrier.scratch.logs()
    carrier.scratch.kill_worker(worker)
    assert carrier.smsc.wait_for("closed")
    carrier.smsc.command("drop")  # forget the held submits of the dead session
    carrier.smsc.command("set", hold=False)
    carrier.scratch.start_worker()
    return ids


@BOTH_DATABASES
def test_sigkill_mid_submit_loses_nothing_and_resubmits_at_most_the_window(
        tmp_path, smsc, template, database):
    with CarrierDeployment(tmp_path, smsc, template, database=database,
                           window=WINDOW) as carrier:
        ids = _kill_mid_submit(carrier, 12)

        assert carrier.scratch.wait_until(
            lambda: _states(carrier, ids) == {("Sent", "submitted"): 12}, timeout=90), (
            _states(carrier, ids), carrier.scratch.logs())
        per_number = collections.Counter(s["destination_addr"] for s in smsc.events("submit"))
        assert set(per_number) == {n.lstrip("+") for n in _numbers(1, 12)}
        assert sum(per_number.values()) - 12 <= WINDOW  # the bounded double-submit window

        final_ids = [carrier.message(m)["carrier_message_id"] for m in ids]
        smsc.command("receipts", ids=final_ids, rate=200)
        assert carrier.scratch.wait_until(
            lambda: _states(carrier, ids) == {("Delivered", "submitted"): 12}, timeout=60)
        assert carrier.wait_callbacks(12, status="Delivered")
        sent = carrier.scratch.query(
            "SELECT source_id, COUNT(*) FROM delivery_delivery GROUP BY source_id")
        assert {source for source, _ in sent} >= set(ids)
        assert {n for source, n in sent if source in ids} == {1}


def test_at_most_once_never_submits_twice(tmp_path, smsc, template):
    with CarrierDeployment(tmp_path, smsc, template, window=WINDOW,
                           delivery="at-most-once") as carrier:
        ids = _kill_mid_submit(carrier, 12)

        assert carrier.scratch.wait_until(lambda: _states(carrier, ids) == {
            ("Failed", "done"): WINDOW, ("Sent", "submitted"): 12 - WINDOW}, timeout=90), (
            _states(carrier, ids), carrier.scratch.logs())
        per_number = collections.Counter(s["destination_addr"] for s in smsc.events("submit"))
        assert set(per_number.values()) == {1}  # nothing twice
        unknown = [m for m in ids if carrier.message(m)["status_trace"] == "UNKNOWN-SUBMIT"]
        assert len(unknown) == WINDOW
        for message_id in unknown:
            assert carrier.wait_callbacks(id=message_id)[0]["trace"] == "UNKNOWN-SUBMIT"


def test_sigkill_mid_receipt_loses_no_receipt_and_fires_each_callback_once(
        tmp_path, smsc, template):
    with CarrierDeployment(tmp_path, smsc, template) as carrier:
        worker = carrier.scratch.start_worker()
        ids = carrier.send(",".join(_numbers(101, 40)), "hello")
        assert carrier.scratch.wait_until(
            lambda: _states(carrier, ids) == {("Sent", "submitted"): 40}, timeout=60)

        final_ids = [carrier.message(m)["carrier_message_id"] for m in ids]
        smsc.command("receipts", ids=final_ids, rate=40)  # over a second
        assert smsc.wait_for("deliver_sm_resp", count=10)
        carrier.scratch.kill_worker(worker)  # receipts in flight, the rest not yet sent
        carrier.scratch.start_worker()

        assert carrier.scratch.wait_until(
            lambda: _states(carrier, ids) == {("Delivered", "submitted"): 40}, timeout=90), (
            _states(carrier, ids), carrier.scratch.logs())
        carrier.wait_callbacks(40, status="Delivered")
        sent = dict(carrier.scratch.query(
            "SELECT source_id, COUNT(*) FROM delivery_delivery GROUP BY source_id"))
        assert {sent[m] for m in ids} == {1}
