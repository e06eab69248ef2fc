"""Mobile-originated deliver_sm: decoded, concatenated parts reassembled, then handed to the
receive path (the worker passes `receive_sms.services.carrier_sms_receive`, the service behind
POST /inbound/sms, de-duplication included: sms sits below receive_sms, so it is given, not
imported)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import IntegrityError, transaction
from smpplib import consts

from common.errors import InvalidInput, NotFound
from common.phone_numbers import e164_or_none
from sms.models import Carrier, IncomingPart

from .parts import IncomingText

logger = logging.getLogger(__name__)
Receive = Callable[..., object]  # carrier_sms_receive(to=, source=, message=)


def _number(address: str) -> str:
    return e164_or_none(address) or address


def _hand_over(receive: Receive, *, source: str, destination: str, text: str) -> int:
    try:
        with transaction.atomic():
            receive(to=_number(destination), source=_number(source), message=text)
    except NotFound:
        logger.warning("Incoming SMS to %s: no account has this number", destination)
        return consts.SMPP_ESME_RINVDSTADR
    except InvalidInput as exc:
        logger.warning("Incoming SMS from %s refused: %s", source, exc.issues[0].api_text())
        return consts.SMPP_ESME_RX_R_APPN
    return consts.SMPP_ESME_ROK


@transaction.atomic
def receive_incoming(*, carrier_id: int, source: str, destination: str, incoming: IncomingText,
                     receive: Receive) -> int:
    """Store or hand over one MO part; the deliver_sm_resp status. Committed before the
    response is sent, so a crash makes the SMSC send it again (de-duplicated downstream)."""
    if incoming.reference is None or incoming.total <= 1:
        return _hand_over(receive, source=source, destination=destination, text=incoming.text)
    # Parts may arrive on different binds at once: one assembler per carrier at a time.
    Carrier.objects.select_for_update().filter(pk=carrier_id).first()
    key = {"carrier_id": carrier_id, "source": source, "destination": destination,
           "reference": incoming.reference, "total": incoming.total}
    try:
        with transaction.atomic():
            IncomingPart.objects.create(number=incoming.number, text=incoming.text, **key)
    except IntegrityError:
        return consts.SMPP_ESME_ROK  # this part again
    parts = list(IncomingPart.objects.filter(**key).order_by("number"))
    if len(parts) < incoming.total:
        return consts.SMPP_ESME_ROK
    IncomingPart.objects.filter(pk__in=[p.pk for p in parts]).delete()
    return _hand_over(receive, source=source, destination=destination,
                      text="".join(p.text for p in parts))
