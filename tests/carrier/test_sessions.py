"""Sessions that survive the real world: a refused bind and a dropped link are retried with
backoff, the window of outstanding submit_sm holds, throttling answers are retried later
without an error for the customer, SIGTERM unbinds, enquire_link keeps a quiet link alive."""

from __future__ import annotations

import time

from tests.carrier.conftest import CarrierDeployment


def _numbers(first: int, count: int) -> list[str]:
    return [f"+9198765{n:05d}" for n in range(first, first + count)]


def _submitted(carrier, message_ids: list[str]) -> bool:
    return all(carrier.message(m)["submit_state"] == "submitted" for m in message_ids)


def test_throttling_answers_are_retried_later_and_never_reach_the_customer(carrier):
    carrier.smsc.command("set", throttle={"status": "ESME_RTHROTTLED", "count": 2})
    ids = carrier.send(",".join(_numbers(20001, 3)), "hello")
    assert carrier.scratch.wait_until(lambda: _submitted(carrier, ids), timeout=30)
    carrier.smsc.command("set", throttle={"status": "ESME_RMSGQFUL", "count": 1})
    ids += carrier.send(",".join(_numbers(20004, 2)), "hello")
    assert carrier.scratch.wait_until(lambda: _submitted(carrier, ids), timeout=30)

    answers = [r["status"] for r in carrier.smsc.events("submit_resp")]
    assert answers.count(0x58) == 2 and answers.count(0x14) == 1  # throttled, queue full
    assert {carrier.message(m)["status"] for m in ids} == {"Sent"}  # no error, no settlement
    assert not [c for m in ids for c in carrier.callbacks(id=m)]


def test_a_refused_bind_is_retried(tmp_path, smsc, template):
    smsc.command("set", refuse_binds=1)
    with CarrierDeployment(tmp_path, smsc, template) as carrier:
        carrier.scratch.start_worker()
        (message_id,) = carrier.send("+919876530001", "hello")

        carrier.wait_message(message_id, submit_state="submitted")
        assert [b["accepted"] for b in smsc.events("bind")] == [False, True]


def test_a_link_dropped_mid_window_loses_nothing(tmp_path, smsc, template):
    smsc.command("set", hold=True)
    with CarrierDeployment(tmp_path, smsc, template, window=4) as carrier:
        carrier.scratch.start_worker()
        ids = carrier.send(",".join(_numbers(30001, 7)), "hello")
        assert smsc.wait_for("submit", count=4)
        time.sleep(1)
        assert len(smsc.events("submit")) == 4  # the window: 4 unanswered submit_sm at most

        smsc.command("drop")  # the held submit_sm are never answered
        smsc.command("set", hold=False)

        assert carrier.scratch.wait_until(lambda: _submitted(carrier, ids), timeout=60), \
            carrier.scratch.logs()
        assert len(smsc.events("bind")) == 2
        sent_to = {s["destination_addr"] for s in smsc.events("submit")}
        assert sent_to == {n.lstrip("+") for n in _numbers(30001, 7)}
        assert len(smsc.events("submit_resp")) == 7  # each answered once, on the new link


def test_sigterm_unbinds_and_a_quiet_link_is_kept_alive(tmp_path, smsc, template):
    with CarrierDeployment(tmp_path, smsc, template) as carrier:
        worker = carrier.scratch.start_worker()
        assert smsc.wait_for("bind", timeout=60)
        assert smsc.wait_for("enquire_link", timeout=10)  # enquire_link=2 s in the tests' URL
        assert carrier.scratch.query("SELECT state FROM sms_bindlease") == [("bound",)]

        assert carrier.scratch.stop_worker(worker) == 0
        assert smsc.events("unbind")
        assert carrier.scratch.query("SELECT state, holder FROM sms_bindlease") == [
            ("down", "")]
