"""What a kannel:// carrier does with sendsms's answers (README: HTTP gateways (Kannel)): a 4xx
about the message settles it Rejected (`HTTP-<status>`) and fires its delivery report; a 5xx,
or a 429 about Kannel's load, puts it back in the queue until Kannel takes it.

Kannel's HTTP side is a local HTTP server here: Kannel 1.4.5 answers no 4xx to any message our
API accepts (test_kannel.py runs the real Kannel). The worker is a real `bin/worker`."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest
from werkzeug import Response

from tests.carrier.conftest import CarrierDeployment
from tests.carrier.test_kannel import ADD_CARRIER


@pytest.fixture
def http_kannel(tmp_path, smsc, template, httpserver):
    """A deployment whose only carrier is a kannel:// one pointing at `httpserver`."""
    with CarrierDeployment(tmp_path, smsc, template, env={"SMS_CARRIER_URL": ""}) as carrier:
        url = (f"kannel://sender:secret@127.0.0.1:{httpserver.port}"
               "?dlr_url=http://127.0.0.1:9/inbound/dlr")
        carrier.api_key = carrier.shell(ADD_CARRIER.format(url=url, **carrier.account))
        yield carrier


def test_a_message_kannel_refuses_settles_rejected_and_reports_it(http_kannel, httpserver):
    httpserver.expect_request("/cgi-bin/sendsms").respond_with_data(
        "Missing receiver number, rejected", status=400)
    (message_id,) = http_kannel.send("+919876500011", "Nowhere to go")
    http_kannel.scratch.start_worker()

    found = http_kannel.wait_message(message_id, status="Rejected")
    assert (found["status_trace"], found["smsc_error"]) == ("HTTP-400", "HTTP 400"), found
    (callback,) = http_kannel.wait_callbacks(id=message_id)
    assert (callback["status"], callback["trace"]) == ("Rejected", "HTTP-400")
    ((request, _answer),) = httpserver.log
    assert parse_qs(request.query_string.decode())["to"] == ["919876500011"]


@pytest.mark.parametrize("status", [503, 429])
def test_a_message_waits_while_kannel_fails_and_goes_once_it_takes_it(
    http_kannel, httpserver, status
):
    answers = iter([Response("Busy", status=status), Response("Busy", status=status)])
    httpserver.expect_request("/cgi-bin/sendsms").respond_with_handler(
        lambda request: next(answers, Response("0: Accepted for delivery", status=202)))
    (message_id,) = http_kannel.send("+919876500012", "Eventually")
    http_kannel.scratch.start_worker()

    found = http_kannel.wait_message(message_id, submit_state="submitted")
    assert found["settled_at"] is None and found["status"] == "Sent", found
    assert len(httpserver.log) == 3  # two failures, then the one Kannel took
    sent = {parse_qs(request.query_string.decode())["text"][0]
            for request, _answer in httpserver.log}
    assert sent == {"Eventually"}
