"""Kannel between the SMSC and the platform, wired as README *HTTP gateways (Kannel)* says (its
Kannel block is the configuration used): a message sent through the API goes out through a
kannel:// carrier (bin/worker -> sendsms -> bearerbox -> SMSC) and its receipt comes back to
/inbound/dlr through the per-message dlr-url; an incoming SMS reaches /inbound/sms through the
sms-service get-url.

Real processes throughout: the npm smpp SMSC, Debian's bearerbox and smsbox, our web server
(`manage.py runserver`) and `bin/worker`, one database."""

from __future__ import annotations

import json
from urllib.parse import quote
from urllib.request import Request, urlopen

import pytest

from tests.carrier.conftest import CarrierDeployment
from tests.carrier.kannel import SYSTEM_ID, Kannel, kannel_available
from tests.carrier.scripts import VMN

# The Kannel carrier, as an operator adds it in the admin (README: HTTP gateways (Kannel)).
ADD_CARRIER = """
import json
from accounts.models import Account
from accounts.services import api_key_create
from sms.models import Carrier
Carrier.objects.create(name="kannel", url={url!r})
print(json.dumps(api_key_create(account=Account.objects.get(sid="{sid}")).raw_key))
"""


def api_send(server: str, sid: str, key: str, **fields: str) -> str:
    """POST /v1/<sid>/messages as a customer does; the message id."""
    request = Request(f"{server}/v1/{sid}/messages", data=json.dumps(fields).encode(),
                      headers={"api-key": key, "Content-Type": "application/json"})
    with urlopen(request, timeout=30) as answer:
        (message,) = json.load(answer)["data"]["messages"]
    return message["message_id"]


@pytest.fixture
def kannel_carrier(tmp_path, smsc, template):
    """A deployment whose only carrier is Kannel (a kannel:// carrier row), bound to the SMSC
    as SYSTEM_ID and calling the deployment's web server. No worker yet: each test starts it."""
    reason = kannel_available()
    if reason:
        pytest.skip(reason)
    with CarrierDeployment(tmp_path, smsc, template, env={"SMS_CARRIER_URL": ""}) as carrier:
        server = carrier.scratch.start_web()
        token = carrier.scratch.env["INBOUND_SMS_TOKEN"]
        with Kannel(tmp_path / "kannel", smsc_port=smsc.port, server=server,
                    token=token) as kannel:
            assert smsc.wait_for("bind", system_id=SYSTEM_ID, timeout=20), kannel.logs()
            dlr_url = quote(f"{server}/inbound/dlr?token={token}", safe=":/?=")
            url = (f"kannel://{kannel.user}:{kannel.password}@127.0.0.1:{kannel.sendsms_port}"
                   f"?dlr_url={dlr_url}")
            carrier.api_key = carrier.shell(ADD_CARRIER.format(url=url, **carrier.account))
            carrier.server, carrier.kannel = server, kannel
            yield carrier


@pytest.mark.parametrize(("text", "coding"), [
    ("Hello  from Kannel, café", "gsm"),  # two spaces: the text arrives as sent
    ("नमस्ते Kannel", "ucs2"),
])
def test_an_incoming_sms_through_kannel_reaches_the_vmns_configuration(
        kannel_carrier, text, coding):
    kannel_carrier.scratch.start_worker()

    kannel_carrier.smsc.command("mo", source="919876500002", destination=VMN.lstrip("+"),
                                text=text, coding=coding, system_id=SYSTEM_ID)

    (callback,) = kannel_carrier.wait_callbacks(message=text)
    assert callback["from"] == "+919876500002"
    (row,) = kannel_carrier.scratch.query(
        "SELECT recipient, matched FROM receive_sms_incomingmessage")
    assert tuple(row) == (VMN, 1), kannel_carrier.kannel.logs()
    assert kannel_carrier.smsc.wait_for("deliver_sm_resp", status=0)


def test_a_message_sent_through_kannel_settles_from_its_delivery_report(kannel_carrier):
    carrier, smsc = kannel_carrier, kannel_carrier.smsc
    carrier.scratch.start_worker()

    message_id = api_send(carrier.server, carrier.account["sid"], carrier.api_key,
                          to="+919876500003", body="Your code is 1234", sender="KLRHXA",
                          callback_profile_id=carrier.account["profile"])

    # bin/worker -> Kannel's sendsms -> bearerbox -> the SMSC, which names the submission.
    (submitted,) = smsc.wait_for("submit", destination_addr="919876500003", timeout=30)
    assert submitted["text"] == "Your code is 1234", submitted
    carrier.wait_message(message_id, submit_state="submitted")
    smsc.command("receipt", message_id=submitted["message_id"], stat="DELIVRD",
                 source="919876500003", destination="KLRHXA", system_id=SYSTEM_ID)

    # Kannel's dlr-url names the id the platform gave the message: /inbound/dlr settles it.
    found = carrier.wait_message(message_id, status="Delivered")
    assert found["status_trace"] == "DELIVRD" and found["carrier_message_id"], found
    (callback,) = carrier.wait_callbacks(id=message_id)
    assert (callback["status"], callback["trace"]) == ("Delivered", "DELIVRD")


def test_kannel_splits_a_long_text_and_its_parts_receipts_settle_it_once(kannel_carrier):
    carrier, smsc = kannel_carrier, kannel_carrier.smsc
    carrier.scratch.start_worker()
    body = "Your statement is ready. " * 8  # 200 GSM-7 characters: two parts

    message_id = api_send(carrier.server, carrier.account["sid"], carrier.api_key,
                          to="+919876500004", body=body, sender="KLRHXA",
                          callback_profile_id=carrier.account["profile"])

    parts = smsc.wait_for("submit", count=2, destination_addr="919876500004", timeout=30)
    # Kannel's concatenation header on each: IE 00, 2 parts, part n
    assert [(p["udh"][0][:4], p["udh"][0][-4:]) for p in parts] == [
        ("0003", "0201"), ("0003", "0202")], parts
    assert "".join(p["text"] for p in parts) == body
    carrier.wait_message(message_id, submit_state="submitted")
    for part in parts:
        smsc.command("receipt", message_id=part["message_id"], stat="DELIVRD",
                     source="919876500004", destination="KLRHXA", system_id=SYSTEM_ID)

    found = carrier.wait_message(message_id, status="Delivered")
    assert found["status_trace"] == "DELIVRD", found
    assert [c["status"] for c in carrier.wait_callbacks(id=message_id)] == ["Delivered"]


def test_a_message_waits_while_kannel_does_not_answer_and_goes_once_it_does(kannel_carrier):
    carrier, smsc = kannel_carrier, kannel_carrier.smsc
    carrier.kannel.stop_smsbox()
    carrier.scratch.start_worker()

    message_id = api_send(carrier.server, carrier.account["sid"], carrier.api_key,
                          to="+919876500005", body="Back soon", sender="KLRHXA",
                          callback_profile_id=carrier.account["profile"])
    # Tried and put back in the queue: still unsettled, nothing sent yet.
    attempts = f"SELECT submit_attempts FROM sms_message WHERE message_id = '{message_id}'"
    assert carrier.scratch.wait_until(lambda: carrier.scratch.query(attempts)[0][0] >= 2,
                                      timeout=30), carrier.scratch.logs()
    assert carrier.message(message_id)["settled_at"] is None
    assert not smsc.wait_for("submit", destination_addr="919876500005", timeout=0)

    carrier.kannel.start_smsbox()
    (submitted,) = smsc.wait_for("submit", destination_addr="919876500005", timeout=60)
    smsc.command("receipt", message_id=submitted["message_id"], stat="UNDELIV", err="001",
                 source="919876500005", destination="KLRHXA", system_id=SYSTEM_ID)

    found = carrier.wait_message(message_id, status="Undelivered")
    assert found["status_trace"] == "UNDELIV", found
