"""The worker's carrier sessions: for each active carrier, as many of its `binds` slots as this
worker can take (leases shared by every worker), each run by an sms.smpp.session.Bind thread
(or, for a kannel:// carrier, an sms.smpp.kannel.KannelSender).
Checked every SUPERVISE_EVERY seconds, so a dead worker's slots are taken over within
LEASE_SECONDS + SUPERVISE_EVERY (README: Connecting a carrier)."""

from __future__ import annotations

import logging
import secrets

from receive_sms.services import carrier_sms_receive
from sms.smpp import leases, routing
from sms.smpp.kannel import KannelSender
from sms.smpp.session import Bind
from sms.smpp.url import InvalidCarrierUrl, parse_carrier_url

logger = logging.getLogger(__name__)

SUPERVISE_EVERY = 2.0
STOP_TIMEOUT = 10.0


class CarrierSessions:
    def __init__(self, worker_id: str) -> None:
        self.worker_id = worker_id
        self.binds: dict[tuple[int, str], list[Bind]] = {}  # (carrier pk, url) -> sessions

    def supervise(self) -> None:
        """Start sessions for free slots; stop those of carriers removed or changed."""
        wanted = {}
        for carrier in routing.active_carriers():
            try:
                wanted[(carrier.pk, carrier.url)] = (carrier, parse_carrier_url(carrier.url))
            except InvalidCarrierUrl as exc:
                logger.error("Carrier %s: bad URL (%s); not connecting", carrier.name, exc)
        for key in list(self.binds):
            if key not in wanted:
                self._stop(self.binds.pop(key))
        for key, (carrier, options) in wanted.items():
            running = [b for b in self.binds.get(key, []) if b.is_alive()]
            if len(running) < options.binds:
                holder = f"{self.worker_id}:{carrier.pk}:{secrets.token_hex(4)}"
                slot = leases.acquire(carrier_id=carrier.pk, binds=options.binds,
                                      holder=holder)
                if slot is not None:
                    session = KannelSender if options.kannel else Bind
                    bind = session(carrier_id=carrier.pk, carrier_name=carrier.name,
                                options=options, slot=slot, holder=holder,
                                receive=carrier_sms_receive)
                    bind.start()
                    running.append(bind)
            self.binds[key] = running

    def _stop(self, binds: list[Bind]) -> None:
        for bind in binds:
            bind.stop()
        for bind in binds:
            bind.join(STOP_TIMEOUT)

    def stop(self) -> None:
        """SIGTERM: every session unbinds (answers in flight are awaited briefly)."""
        for binds in self.binds.values():
            for bind in binds:
                bind.stop()
        for binds in self.binds.values():
            self._stop(binds)
        self.binds.clear()
