"""Delivery receipts over SMPP: matched by the carrier's id, merged per part into one final
status, never moving backwards, applied even when they overtake the submit_sm_resp; and
submit errors. Each final status fires the profile's callback exactly once."""

from __future__ import annotations

import time

LONG = "x" * 200  # 2 GSM-7 units


def _receipt(carrier, message_id: str, stat: str, **fields) -> None:
    carrier.smsc.command("receipt", message_id=message_id, stat=stat, **fields)


def test_one_receipt_per_part_settles_the_message_once(carrier):
    (message_id,) = carrier.send("+919876510001", LONG)
    first, second = [s["message_id"] for s in carrier.submits("+919876510001", 2)]
    carrier.wait_message(message_id, submit_state="submitted")

    _receipt(carrier, first, "DELIVRD")
    carrier.smsc.wait_for("deliver_sm_resp", count=1)
    time.sleep(0.5)
    assert carrier.message(message_id)["status"] == "Sent"  # one part of two delivered
    _receipt(carrier, second, "DELIVRD", style="text")  # the `id:… stat:…` text only

    found = carrier.wait_message(message_id, status="Delivered")
    assert found["status_trace"] == "DELIVRD"
    (callback,) = carrier.wait_callbacks(id=message_id)
    assert (callback["status"], callback["trace"]) == ("Delivered", "DELIVRD")

    # A duplicate, and a late intermediate state: nothing moves, nothing fires again.
    _receipt(carrier, second, "DELIVRD")
    _receipt(carrier, first, "ACCEPTD")
    _receipt(carrier, first, "UNDELIV", err="001")
    carrier.smsc.wait_for("receipt_sent", message_id=first, count=3)
    time.sleep(1)
    assert carrier.message(message_id)["status"] == "Delivered"
    assert len(carrier.callbacks(id=message_id)) == 1


def test_a_failed_part_fails_the_message_with_its_error_code(carrier):
    (message_id,) = carrier.send("+919876510002", LONG)
    first, second = [s["message_id"] for s in carrier.submits("+919876510002", 2)]
    carrier.wait_message(message_id, submit_state="submitted")

    _receipt(carrier, first, "ENROUTE")
    _receipt(carrier, second, "UNDELIV", err="012")

    found = carrier.wait_message(message_id, status="Undelivered")
    assert (found["status_trace"], found["smsc_error"]) == ("UNDELIV", "err:012")
    (callback,) = carrier.wait_callbacks(id=message_id)
    assert callback["status"] == "Undelivered"
    _receipt(carrier, first, "DELIVRD")
    time.sleep(0.5)
    assert carrier.message(message_id)["status"] == "Undelivered"


def test_a_receipt_before_its_submit_sm_resp_is_applied_once_the_id_is_known(carrier):
    carrier.smsc.command("set", hold=True)
    (message_id,) = carrier.send("+919876510003", "hello")
    (submit,) = carrier.submits("+919876510003")

    _receipt(carrier, submit["message_id"], "DELIVRD")
    _receipt(carrier, submit["message_id"], "DELIVRD")  # and again
    carrier.smsc.wait_for("deliver_sm_resp", count=2)
    assert carrier.message(message_id)["submit_state"] == "submitting"
    carrier.smsc.command("release")

    found = carrier.wait_message(message_id, status="Delivered")
    assert found["carrier_message_id"] == submit["message_id"]
    carrier.wait_callbacks(id=message_id)
    time.sleep(0.5)
    assert len(carrier.callbacks(id=message_id)) == 1


def test_expired_and_rejected_receipts(carrier):
    expired_id, rejected_id = carrier.send("+919876510004,+919876510005", "hello")
    expired = carrier.submits("+919876510004")[0]["message_id"]
    rejected = carrier.submits("+919876510005")[0]["message_id"]
    carrier.wait_message(rejected_id, submit_state="submitted")

    _receipt(carrier, expired, "EXPIRED")
    _receipt(carrier, rejected, "REJECTD", err="0B")

    assert carrier.wait_message(expired_id, status="Expired")["status_trace"] == "EXPIRED"
    assert carrier.wait_message(rejected_id, status="Rejected")["smsc_error"] == "err:0B"


def test_a_submit_error_settles_the_message_with_the_smpp_error_name(carrier):
    carrier.smsc.command("set", errors={"919876510006": "ESME_RINVDSTADR",
                                        "919876510007": "ESME_RSYSERR"})
    rejected_id, failed_id = carrier.send("+919876510006,+919876510007", "hello")

    rejected = carrier.wait_message(rejected_id, status="Rejected")
    assert (rejected["status_trace"], rejected["smsc_error"]) == (
        "ESME_RINVDSTADR", "ESME_RINVDSTADR (0x0B)")
    failed = carrier.wait_message(failed_id, status="Failed")
    assert failed["status_trace"] == "ESME_RSYSERR"
    callbacks = carrier.wait_callbacks(id=rejected_id) + carrier.wait_callbacks(id=failed_id)
    assert [c["trace"] for c in callbacks] == ["ESME_RINVDSTADR", "ESME_RSYSERR"]
