"""What operators see of the carriers: `manage.py delivery_status` (bind state, outstanding
window, rates, the unsubmitted queue), `/readyz` failing while messages wait with no bind up,
and the `/metrics` gauges."""

from __future__ import annotations

import json

from django.test import Client

from sms.services import message_send
from tests.carrier.inprocess import use_carrier


def test_delivery_status_shows_the_bind_and_the_rates(carrier):
    ids = carrier.send("+919876570001,+919876570002", "hello")
    carrier.wait_message(ids[-1], submit_state="submitted")

    status = json.loads(carrier.scratch.manage("delivery_status", "--json"))

    (found,) = status["carriers"]
    assert found["name"] == "SMS_CARRIER_URL" and found["binds_up"] == 1
    assert found["binds"][0]["state"] == "bound" and found["binds"][0]["holder"]
    assert found["submits_per_second"] > 0 and found["unsubmitted"] == 0
    text = carrier.scratch.manage("delivery_status")
    assert "SMS_CARRIER_URL: 1 bind(s) up" in text


def test_readyz_fails_and_metrics_show_messages_waiting_with_no_bind(alice, settings):
    use_carrier(settings)
    message_send(account=alice.account, to="+919876570003", body="hello")

    body = Client().get("/readyz").json()
    assert body["checks"]["carriers"] == {
        "ok": False, "detail": "messages wait and no bind is up: SMS_CARRIER_URL"}

    metrics = Client().get("/metrics").content.decode()
    assert 'sms_carrier_binds_up{carrier="SMS_CARRIER_URL"} 0.0' in metrics
    assert 'sms_carrier_unsubmitted{carrier="SMS_CARRIER_URL"} 1.0' in metrics
