"""Kannel between the SMSC and the platform, wired as README *Connecting a carrier* says (its
Kannel block is the configuration used): an incoming SMS reaches /inbound/sms through the
sms-service get-url, and a delivery report reaches /inbound/dlr through the dlr-url.

Real processes throughout: the npm smpp SMSC, Debian's bearerbox and smsbox, our web server
(`manage.py runserver`) and `bin/worker`, one SQLite database."""

from __future__ import annotations

import pytest

from tests.carrier.conftest import CarrierDeployment
from tests.carrier.kannel import SYSTEM_ID, Kannel, kannel_available
from tests.carrier.scripts import VMN

# The part's carrier id recorded as a bind records a submit_sm_resp (sms.smpp.submit): the
# platform never submits through Kannel, so the test stands for whatever recorded it.
RECORD = """
import json
from sms.models import Message
from sms.smpp import submit
message = Message.objects.get(message_id="{message_id}")
(part,) = submit.claim(carrier_id=message.carrier_id, lease="kannel-test", limit=1)
submit.record_responses(carrier_id=message.carrier_id, retry_in=1,
                        responses=[submit.Response(part, 0, "{carrier_id}")])
print(json.dumps(part.part_pk))
"""


@pytest.fixture
def kannel_carrier(tmp_path, smsc, template):
    """A deployment whose carrier is the SMSC, its web server, and Kannel bound to the same
    SMSC as SYSTEM_ID, calling that server. No worker yet: each test starts it."""
    reason = kannel_available()
    if reason:
        pytest.skip(reason)
    with CarrierDeployment(tmp_path, smsc, template) as carrier:
        server = carrier.scratch.start_web()
        with Kannel(tmp_path / "kannel", smsc_port=smsc.port, server=server,
                    token=carrier.scratch.env["INBOUND_SMS_TOKEN"]) as kannel:
            assert smsc.wait_for("bind", system_id=SYSTEM_ID, timeout=20), kannel.logs()
            carrier.kannel = kannel
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


def test_a_delivery_report_through_kannel_settles_the_message(kannel_carrier):
    carrier, smsc = kannel_carrier, kannel_carrier.smsc
    (message_id,) = carrier.send("+919876500003", "Your code is 1234")

    # An integration sends it through Kannel; the SMSC names its submission.
    answer = carrier.kannel.sendsms(to="919876500003", text="Your code is 1234",
                                    sender="KLRHXA")
    assert answer.startswith("0: Accepted"), answer
    (submitted,) = smsc.wait_for("submit", destination_addr="919876500003")
    carrier.shell(RECORD.format(message_id=message_id, carrier_id=submitted["message_id"]))
    carrier.scratch.start_worker()

    smsc.command("receipt", message_id=submitted["message_id"], stat="DELIVRD",
                 source="919876500003", destination="KLRHXA", system_id=SYSTEM_ID)

    found = carrier.wait_message(message_id, status="Delivered")
    assert (found["status_trace"], found["carrier_message_id"]) == (
        "DELIVRD", submitted["message_id"])
    (callback,) = carrier.wait_callbacks(id=message_id)
    assert callback["status"] == "Delivered"
