"""Mobile-originated deliver_sm to a VMN take the path POST /inbound/sms takes (matching, the
configuration's callback, de-duplication): GSM-7 and UCS-2 decoded, concatenated parts joined."""

from __future__ import annotations

from tests.carrier.scripts import VMN

DESTINATION = VMN.lstrip("+")


def _incoming_rows(carrier, source: str) -> list[tuple]:
    return carrier.scratch.query(
        f"SELECT message, matched FROM receive_sms_incomingmessage WHERE source = '+{source}'")


def test_a_plain_gsm7_message_fires_the_vmn_configuration(carrier):
    text = "Hello @ £1 {ok} ü"  # basic, extension (escape) and national characters
    carrier.smsc.command("mo", source="919811100001", destination=DESTINATION, text=text)

    (callback,) = carrier.wait_callbacks(**{"from": "+919811100001"})
    assert callback["message"] == text
    assert _incoming_rows(carrier, "919811100001") == [(text, 1)]
    assert carrier.smsc.wait_for("deliver_sm_resp", status=0)


def test_a_ucs2_message(carrier):
    text = "नमस्ते, दुनिया 👋"
    carrier.smsc.command("mo", source="919811100002", destination=DESTINATION, text=text,
                         coding="ucs2")

    (callback,) = carrier.wait_callbacks(**{"from": "+919811100002"})
    assert callback["message"] == text


def test_concatenated_parts_become_one_incoming_message(carrier):
    text = "".join(f"part{n:03d} " for n in range(40))
    carrier.smsc.command("mo", source="919811100003", destination=DESTINATION, text=text,
                         parts=3)

    (callback,) = carrier.wait_callbacks(**{"from": "+919811100003"})
    assert callback["message"] == text.strip()
    assert len(_incoming_rows(carrier, "919811100003")) == 1
    assert carrier.scratch.query("SELECT COUNT(*) FROM sms_incomingpart") == [(0,)]


def test_a_number_nobody_owns_is_refused_with_an_smpp_error(carrier):
    before = len(carrier.smsc.events("deliver_sm_resp"))
    carrier.smsc.command("mo", source="919811100004", destination="919999999999", text="hi")

    answers = carrier.smsc.wait_for("deliver_sm_resp", count=before + 1)
    assert answers[before]["status"] == 0x0B  # ESME_RINVDSTADR
