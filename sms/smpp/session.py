"""One SMPP session (a bind slot of a carrier), run in a thread of `bin/worker`.

smpplib encodes and decodes every PDU; this loop decides what to send when: it holds the slot's
lease, binds as a transceiver, keeps at most `window` submit_sm unanswered, spends this bind's
share of the carrier's `tps`, answers enquire_link/deliver_sm/unbind, sends enquire_link after
`enquire_link` seconds of silence, backs off on throttling answers, and reconnects with
exponential backoff when the link drops or the bind is refused. On stop it unbinds.
"""

from __future__ import annotations

import logging
import select
import socket
import ssl
import threading
import time
from collections import deque
from collections.abc import Callable

from django.db import DatabaseError, connection
from smpplib import consts, exceptions, smpp
from smpplib.client import Client

from sms import metrics

from . import leases, receipts, submit
from .incoming import receive_incoming
from .parts import decode_incoming
from .url import CarrierOptions

logger = logging.getLogger(__name__)

RECONNECT_MIN, RECONNECT_MAX = 0.5, 30.0
THROTTLE_MIN, THROTTLE_MAX = 0.2, 30.0
ORPHANS_EVERY = 5.0
IDLE_READ = 0.05  # how long a bind with nothing to send waits for a PDU
# submit_sm_resp are committed together: those read within RECORD_AFTER seconds, at most half
# the window (README: Nothing lost). Unrecorded answers count against the window.
RECORD_AFTER = 0.02


class SessionEnded(Exception):
    pass


class LeaseLost(SessionEnded):
    pass


class _Bucket:
    """This bind's share of the carrier's tps (shared equally by the live binds): a token
    bucket (at most 100 ms worth at once) that also never lets more than the share through
    within one second, so catching up after a pause does not overrun an SMSC counting per
    second (it would answer ESME_RTHROTTLED, and the bind would pause)."""

    def __init__(self, rate: float) -> None:
        self.rate, self.tokens, self.at = rate, 1.0, time.monotonic()
        self.last_second: deque[float] = deque()  # when each submit of the last second went

    def take(self) -> bool:
        now = time.monotonic()
        burst = max(1.0, self.rate / 10)
        self.tokens = min(burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        while self.last_second and now - self.last_second[0] >= 1.0:
            self.last_second.popleft()
        if self.tokens >= 1.0 and len(self.last_second) < max(1, int(self.rate)):
            self.tokens -= 1.0
            self.last_second.append(now)
            return True
        return False


class Bind(threading.Thread):
    """The session of slot `slot`, whose lease `holder` already holds (leases.acquire)."""

    def __init__(self, *, carrier_id: int, carrier_name: str, options: CarrierOptions,
                 slot: int, holder: str, receive: Callable[..., object]) -> None:
        super().__init__(name=f"smpp-{carrier_name}-{slot}", daemon=True)
        self.carrier_id, self.carrier_name, self.options = carrier_id, carrier_name, options
        self.slot, self.holder, self.receive = slot, holder, receive
        self.stopping = threading.Event()
        self.client: Client = None  # connect() binds one (smpplib is untyped: Any)
        self.outstanding: dict[int, submit.PendingPart] = {}  # sequence -> part sent
        self.queue: deque[submit.PendingPart] = deque()  # claimed, not yet sent
        self.responses: list[submit.Response] = []  # read, not recorded yet
        self.responses_since = 0.0  # when the oldest of them was read
        self.receipts: list[tuple[object, receipts.Receipt]] = []  # deliver_sm not answered yet
        self.state = "down"
        self.bucket = _Bucket(options.tps)
        self.throttle_delay, self.throttled_until = THROTTLE_MIN, 0.0
        self.last_renew = self.last_orphans = self.last_heard = self.last_enquire = 0.0

    # --- the slot's lease --------------------------------------------------------------------

    def _renew(self, detail: str = "") -> None:
        if not leases.renew(carrier_id=self.carrier_id, slot=self.slot, holder=self.holder,
                            state=self.state, outstanding=len(self.outstanding),
                            detail=detail):
            raise LeaseLost("the bind's lease was lost")
        self.bucket.rate = self.options.tps / max(1, leases.live_binds(self.carrier_id))
        self.last_renew = time.monotonic()

    def _wait(self, seconds: float, detail: str) -> None:
        """Sleep (renewing the lease) unless told to stop."""
        until = time.monotonic() + seconds
        while not self.stopping.is_set() and time.monotonic() < until:
            self._renew(detail)
            self.stopping.wait(min(leases.RENEW_EVERY, until - time.monotonic()))

    def run(self) -> None:
        delay = RECONNECT_MIN
        try:
            while not self.stopping.is_set():
                error = ""
                try:
                    self._session()
                    delay = RECONNECT_MIN
                except (exceptions.ConnectionError, exceptions.PDUError, OSError,
                        SessionEnded) as exc:
                    logger.warning("SMPP %s bind %s: %s", self.carrier_name, self.slot, exc)
                    error = str(exc) or type(exc).__name__
                    self._close(detail=error)
                    if isinstance(exc, LeaseLost):
                        return
                if not self.stopping.is_set():
                    # The bind's state keeps the error until the next attempt.
                    retry = f"reconnecting in {delay:.1f} s"
                    self._wait(delay, f"{error}; {retry}" if error else retry)
                    delay = min(RECONNECT_MAX, delay * 2)
        except (SessionEnded, DatabaseError) as exc:
            logger.warning("SMPP %s bind %s stops: %s", self.carrier_name, self.slot, exc)
        finally:
            self._close(detail="stopped")
            leases.release(carrier_id=self.carrier_id, slot=self.slot, holder=self.holder)
            connection.close()

    def stop(self) -> None:
        self.stopping.set()

    # --- one connection ------------------------------------------------------------------------

    def _session(self) -> None:
        options = self.options
        self.state = "binding"
        self._renew()
        self.client = Client(options.host, options.port, timeout=10,
                             allow_unknown_opt_params=True,
                             logger_name=f"smpp.{self.carrier_name}")
        if options.tls:
            self.client._socket = _tls_connection(options)
            self.client.state = consts.SMPP_CLIENT_STATE_OPEN
        else:
            self.client.connect()
        self.client.bind_transceiver(system_id=options.system_id, password=options.password,
                                     system_type=options.system_type)
        self.state = "bound"
        self.last_heard = time.monotonic()
        self._renew("bound")
        logger.info("SMPP %s bind %s bound to %s:%s", self.carrier_name, self.slot,
                    options.host, options.port)
        while not self.stopping.is_set():
            self._turn()
        self._unbind()

    def _keep_lease(self, now: float) -> None:
        """Renew the slot's lease when due, and requeue what dead workers' binds claimed."""
        if now - self.last_renew >= leases.RENEW_EVERY:
            self._renew()
        if now - self.last_orphans >= ORPHANS_EVERY:
            self.last_orphans = now
            submit.recover_orphans(carrier_id=self.carrier_id, mode=self.options.delivery)

    def _turn(self) -> None:
        now = time.monotonic()
        self._keep_lease(now)
        self._send_due()
        self._read(0.002 if self.queue or self.outstanding or self.responses else IDLE_READ)
        if self._record_due():
            self._record()
        silent, every = time.monotonic() - self.last_heard, self.options.enquire_link
        if silent > 2 * every + 10:
            raise SessionEnded("no answer to enquire_link")
        if silent > every and now - self.last_enquire > every:
            self.last_enquire = now
            self.client.send_pdu(smpp.make_pdu("enquire_link", client=self.client))

    def _unanswered(self) -> int:
        """Submits whose answer is not recorded yet: at most `window`."""
        return len(self.outstanding) + len(self.responses)

    def _send_due(self) -> None:
        if time.monotonic() < self.throttled_until:
            return
        free = self.options.window - self._unanswered()
        if free > 0 and not self.queue and submit.has_queued(self.carrier_id):
            self.queue.extend(submit.claim(carrier_id=self.carrier_id, lease=self.holder,
                                           limit=free))
        while self.queue and self._unanswered() < self.options.window and self.bucket.take():
            part = self.queue.popleft()
            pdu = self.client.send_message(**self._submit_fields(part))
            self.outstanding[pdu.sequence] = part

    def _submit_fields(self, part: submit.PendingPart) -> dict:
        options = self.options
        numeric = part.sender.lstrip("+").isdigit()
        return {
            "source_addr_ton": 1 if numeric else options.source_ton,
            "source_addr_npi": 1 if numeric else options.source_npi,
            "source_addr": part.sender.lstrip("+"),
            "dest_addr_ton": options.dest_ton, "dest_addr_npi": options.dest_npi,
            "destination_addr": part.recipient,
            "short_message": part.payload.short_message,
            "data_coding": part.payload.data_coding, "esm_class": part.payload.esm_class,
            "registered_delivery": consts.SMPP_SMSC_DELIVERY_RECEIPT_BOTH,
        }

    def _read(self, timeout: float) -> None:
        sock = self.client._socket  # smpplib exposes no readiness check of its own
        for _ in range(200):  # then give sending a turn
            pending = isinstance(sock, ssl.SSLSocket) and sock.pending()
            if not pending and not select.select([sock], [], [], timeout)[0]:
                break
            timeout = 0
            self._handle(self.client.read_pdu())
            self.last_heard = time.monotonic()
        self._apply_receipts()

    def _handle(self, pdu) -> None:
        command = pdu.command
        if command == "submit_sm_resp":
            part = self.outstanding.pop(pdu.sequence, None)
            if part is not None:
                message_id = pdu.message_id or b""
                if isinstance(message_id, bytes):
                    message_id = message_id.decode("latin-1")
                self._answered(submit.Response(part, int(pdu.status or 0), message_id))
        elif command == "generic_nack":
            # The SMSC could not read a PDU of ours: if it was a submit_sm, it goes again.
            part = self.outstanding.pop(pdu.sequence, None)
            if part is not None:
                self._answered(submit.Response(part, submit.NACKED))
        elif command == "deliver_sm":
            receipt = receipts.receipt_from_pdu(pdu)
            if receipt is not None:  # applied with the others read in this turn
                self.receipts.append((pdu, receipt))
            else:
                self._respond(pdu, "deliver_sm_resp", self._incoming(pdu))
        elif command == "enquire_link":
            self._respond(pdu, "enquire_link_resp")
        elif command == "unbind":
            self._respond(pdu, "unbind_resp")
            raise SessionEnded("the SMSC unbound")
        elif command not in ("enquire_link_resp", "unbind_resp") and pdu.is_request():
            self._respond(pdu, "generic_nack", consts.SMPP_ESME_RINVCMDID)

    def _answered(self, response: submit.Response) -> None:
        if not self.responses:
            self.responses_since = time.monotonic()
        self.responses.append(response)

    def _record_due(self) -> bool:
        """Record now: the oldest answer waited RECORD_AFTER, half the window waits, or the
        SMSC asks to slow down (the bind must pause at once)."""
        return bool(self.responses) and (
            time.monotonic() - self.responses_since >= RECORD_AFTER
            or len(self.responses) >= max(1, self.options.window // 2)
            or any(r.status in submit.RETRYING for r in self.responses))

    def _respond(self, pdu, command: str, status: int = consts.SMPP_ESME_ROK) -> None:
        response = smpp.make_pdu(command, client=self.client, status=status)
        response.sequence = pdu.sequence
        self.client.send_pdu(response)

    def _apply_receipts(self) -> None:
        """The receipts read this turn, in one transaction committed before their
        deliver_sm_resp are sent (a crash in between: the SMSC sends them again)."""
        if not self.receipts:
            return
        self._record()  # a receipt may name an id from a response read just before it
        batch, self.receipts = self.receipts, []
        outcomes = receipts.apply_receipts([r for _, r in batch], carrier_id=self.carrier_id)
        for (pdu, _), outcome in zip(batch, outcomes, strict=True):
            metrics.CARRIER_RECEIPTS.labels(carrier=self.carrier_name, outcome=outcome).inc()
            self._respond(pdu, "deliver_sm_resp")

    def _incoming(self, pdu) -> int:
        """An incoming SMS, committed before the deliver_sm_resp is sent."""
        self._apply_receipts()  # in the order they came
        incoming = decode_incoming(pdu.short_message or b"", pdu.data_coding or 0,
                                   pdu.esm_class or 0)
        return receive_incoming(carrier_id=self.carrier_id, source=_text(pdu.source_addr),
                                destination=_text(pdu.destination_addr), incoming=incoming,
                                receive=self.receive)

    def _record(self) -> None:
        if not self.responses:
            return
        batch, self.responses = self.responses, []
        submit.record_responses(carrier_id=self.carrier_id, responses=batch,
                                retry_in=self.throttle_delay)
        throttled = {r.part.message_pk for r in batch if r.status in submit.RETRYING}
        for response in batch:
            metrics.CARRIER_SUBMITS.labels(carrier=self.carrier_name,
                                           outcome=submit.error_name(response.status)).inc()
        if throttled:
            # Back off, and do not send the rest of those messages' parts now: they are queued.
            self.throttled_until = time.monotonic() + self.throttle_delay
            self.throttle_delay = min(THROTTLE_MAX, self.throttle_delay * 2)
            self.queue = deque(p for p in self.queue if p.message_pk not in throttled)
        else:
            self.throttle_delay = THROTTLE_MIN

    # --- ending --------------------------------------------------------------------------------

    def _unbind(self) -> None:
        """Answers still expected are awaited briefly, then unbind (SIGTERM)."""
        deadline = time.monotonic() + 5
        self.queue.clear()
        while self.outstanding and time.monotonic() < deadline:
            self._read(0.05)
        self._record()
        try:
            self.client.send_pdu(smpp.make_pdu("unbind", client=self.client))
            end = time.monotonic() + 2
            while time.monotonic() < end:
                if select.select([self.client._socket], [], [], 0.1)[0]:
                    if self.client.read_pdu().command == "unbind_resp":
                        break
        except (exceptions.ConnectionError, exceptions.PDUError, OSError):
            pass

    def _close(self, detail: str) -> None:
        """The link is gone: nothing claimed is lost (submit.release), the lease shows it."""
        try:
            self._record()
        except DatabaseError:
            logger.exception("Could not record submit_sm_resp before closing")
        claimed = {p.message_pk for p in self.queue} | {
            p.message_pk for p in self.outstanding.values()}
        sent = {p.message_pk for p in self.outstanding.values()}
        if claimed:
            submit.release(message_pks=claimed, sent_pks=sent, mode=self.options.delivery)
        self.queue.clear()
        self.outstanding.clear()
        if self.client is not None:
            self.client.state = consts.SMPP_CLIENT_STATE_OPEN  # close quietly
            self.client.disconnect()
            self.client = None
        self.state = "down"
        leases.renew(carrier_id=self.carrier_id, slot=self.slot, holder=self.holder,
                         state="down", outstanding=0, detail=detail)


def tls_context(options: CarrierOptions) -> ssl.SSLContext:
    """The TLS settings of a carrier: the system's CAs, or those of `tls_ca` (a file that
    cannot be read ends the session with why, like any other connection problem)."""
    try:
        return ssl.create_default_context(cafile=options.tls_ca or None)
    except (OSError, ssl.SSLError) as exc:
        raise SessionEnded(f"tls_ca {options.tls_ca!r} cannot be read: "
                           f"{getattr(exc, 'strerror', None) or exc}") from exc


def _tls_connection(options: CarrierOptions) -> ssl.SSLSocket:
    """A TLS connection to the SMSC. Opened here rather than by smpplib, which reports any
    failed handshake as "Connection refused"."""
    context = tls_context(options)
    context.check_hostname = False  # SMSCs are reached by address; the CA still counts
    raw = socket.create_connection((options.host, options.port), timeout=10)
    try:
        return context.wrap_socket(raw)
    except ssl.SSLCertVerificationError as exc:
        raw.close()
        raise SessionEnded(f"TLS: the SMSC's certificate is not trusted ({exc.verify_message}); "
                           "name its CA with tls_ca") from exc
    except (ssl.SSLError, OSError) as exc:
        raw.close()
        raise SessionEnded(f"TLS handshake failed: {exc}") from exc


def _text(value) -> str:
    return value.decode("latin-1") if isinstance(value, bytes) else str(value or "")
