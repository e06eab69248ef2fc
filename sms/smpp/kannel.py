"""A Kannel carrier (`kannel://`): messages submitted through Kannel's sendsms HTTP API, which
splits long texts itself, each with a dlr-url naming the id the platform gave the message, so
Kannel's receipts reach POST /inbound/dlr and match like an SMSC's (README: HTTP gateways
(Kannel)). A slot of the carrier's `binds` leases, as an SMPP session: the same queue, claims
and recovery (sms.smpp.submit), only the sending differs.
"""

from __future__ import annotations

import logging
import time
from urllib.parse import urlencode, urlsplit

import urllib3
from smpplib import consts

from sms import carrier, metrics

from . import submit
from .parts import DATA_CODING_GSM7
from .session import IDLE_READ, THROTTLE_MAX, THROTTLE_MIN, Bind, tls_context

logger = logging.getLogger(__name__)

TIMEOUT = 10.0  # seconds for one sendsms request; then it is retried (the id stays the same)
DLR_MASK = 31  # every report type: delivered, failed, buffered, SMSC accepted, SMSC rejected
KANNEL_CODING = {DATA_CODING_GSM7: "0"}  # Kannel's `coding`: 0 GSM-7, 2 UCS-2
# 4xx answers that are about Kannel's configuration or load, not the message: retried.
NOT_THE_MESSAGE = {401, 403, 407, 408, 429}


def dlr_url(base: str, carrier_message_id: str) -> str:
    """The per-message dlr-url: /inbound/dlr with the platform's id and Kannel's `%d`."""
    separator = "&" if urlsplit(base).query else "?"
    return f"{base}{separator}message_id={carrier_message_id}&status=%d"


def refused(status: int, answer: str) -> carrier.Outcome:
    return carrier.Outcome("Rejected", f"HTTP-{status}", f"Refused by Kannel: {answer}"[:200])


class KannelSender(Bind):
    """Slot `slot` of a kannel:// carrier: claims due messages and sends each through sendsms,
    at most `tps` per second across the carrier's slots."""

    def _session(self) -> None:
        # This slot's connection to Kannel, kept alive between messages.
        self.http = urllib3.PoolManager(
            maxsize=1, retries=False, timeout=urllib3.Timeout(TIMEOUT),
            ssl_context=tls_context(self.options) if self.options.tls else None)
        self.state = "bound"
        self._renew("sending through Kannel's sendsms")
        while not self.stopping.is_set():
            now = time.monotonic()
            self._keep_lease(now)
            if not self.queue and now >= self.throttled_until and \
                    submit.has_queued(self.carrier_id):
                self.queue.extend(submit.claim(carrier_id=self.carrier_id, lease=self.holder,
                                               limit=self.options.window, whole=True))
            if not self.queue or not self.bucket.take():
                self.stopping.wait(IDLE_READ)
                continue
            self._send(self.queue.popleft())

    def _sendsms(self, part: submit.PendingPart) -> tuple[int, str]:
        """Kannel's HTTP status and answer; status 0 when no answer came (retried)."""
        options = self.options
        query = urlencode({
            "username": options.system_id, "password": options.password,
            "from": part.sender.lstrip("+"), "to": part.recipient, "text": part.text,
            "charset": "UTF-8", "coding": KANNEL_CODING.get(part.payload.data_coding, "2"),
            "dlr-mask": DLR_MASK, "dlr-url": dlr_url(options.dlr_url, part.carrier_message_id),
        })
        scheme = "https" if options.tls else "http"
        url = f"{scheme}://{options.host}:{options.port}/cgi-bin/sendsms?{query}"
        try:
            answer = self.http.request("GET", url)
        except urllib3.exceptions.HTTPError as error:
            return 0, str(error)
        return answer.status, answer.data[:500].decode("utf-8", "replace").strip()

    def _send(self, part: submit.PendingPart) -> None:
        status, answer = self._sendsms(part)
        if 200 <= status < 300:
            submit.record_responses(carrier_id=self.carrier_id, retry_in=THROTTLE_MIN,
                                    responses=[submit.Response(part, consts.SMPP_ESME_ROK,
                                                               part.carrier_message_id)])
            self.throttle_delay = THROTTLE_MIN
            outcome = "accepted"
        elif 400 <= status < 500 and status not in NOT_THE_MESSAGE:
            submit.settle_refused(part.message_pk, refused(status, answer),
                                  smsc_error=f"HTTP {status}")
            outcome = "rejected"
        else:
            # Kannel unreachable, slow or failing: this message and the others claimed go
            # back to the queue with a growing pause; nothing is lost (README).
            logger.warning("Kannel %s: sendsms failed (%s %s); retrying in %.1f s",
                           self.carrier_name, status or "no answer", answer,
                           self.throttle_delay)
            batch = [part, *self.queue]
            self.queue.clear()
            submit.record_responses(carrier_id=self.carrier_id, retry_in=self.throttle_delay,
                                    responses=[submit.Response(p, submit.NACKED)
                                               for p in batch])
            self.throttled_until = time.monotonic() + self.throttle_delay
            self.throttle_delay = min(THROTTLE_MAX, self.throttle_delay * 2)
            self._renew(f"sendsms failed: {status or 'no answer'} {answer}"[:200])
            outcome = "retry"
        metrics.CARRIER_SUBMITS.labels(carrier=self.carrier_name, outcome=outcome).inc()
