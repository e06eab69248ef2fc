"""Delivery receipts: one final status per message, whatever order, repeats or parts.

A receipt names the carrier's id of one part. Its state only moves forward (ENROUTE/ACCEPTD
are intermediate, every other state final; a final state never changes), so a duplicate or a
late intermediate receipt changes nothing. The message settles on the first failed part (its
state and error code) or once every part is DELIVRD. A receipt for an id no submit_sm_resp
has named yet is kept (EarlyReceipt) and applied when one does (submit.record_responses).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from sms import carrier
from sms.models import EarlyReceipt, Message, MessagePart
from sms.services import message_settle_with

INTERMEDIATE = {"ENROUTE", "ACCEPTD"}
OUTCOMES = {
    "DELIVRD": carrier.DELIVERED,
    "UNDELIV": carrier.Outcome("Undelivered", "UNDELIV", "The operator could not deliver it"),
    "EXPIRED": carrier.Outcome("Expired", "EXPIRED",
                               "Message validity period expired before delivery"),
    "REJECTD": carrier.Outcome("Rejected", "REJECTD", "The operator rejected the message"),
    "DELETED": carrier.Outcome("Failed", "DELETED", "The operator deleted the message"),
    "UNKNOWN": carrier.Outcome("Failed", "UNKNOWN", "The operator reported an unknown state"),
}
# SMPP 3.4 message_state values (section 5.2.28).
MESSAGE_STATES = {1: "ENROUTE", 2: "DELIVRD", 3: "EXPIRED", 4: "DELETED", 5: "UNDELIV",
                  6: "ACCEPTD", 7: "UNKNOWN", 8: "REJECTD"}
_TEXT_FIELD = re.compile(r"\b(id|stat|err):(\S*)", re.IGNORECASE)


@dataclass(frozen=True)
class Receipt:
    carrier_message_id: str
    stat: str
    err: str = ""


def receipt_from_pdu(pdu) -> Receipt | None:
    """The receipt a deliver_sm carries (TLVs first, else the `id:… stat:… err:…` text), or
    None when it is a mobile-originated message."""
    text = pdu.short_message or b""
    text = text.decode("latin-1") if isinstance(text, bytes) else str(text)
    fields = {name.lower(): value for name, value in _TEXT_FIELD.findall(text)}
    tlv_id = pdu.receipted_message_id
    tlv_id = tlv_id.decode("latin-1") if isinstance(tlv_id, bytes) else tlv_id
    is_receipt = bool(pdu.esm_class & 0x3C == 0x04 or tlv_id)
    if not is_receipt:
        return None
    message_id = (tlv_id or fields.get("id", "")).strip("\x00 ")
    stat = MESSAGE_STATES.get(pdu.message_state or 0) or fields.get("stat", "UNKNOWN")
    return Receipt(message_id, stat.upper()[:10], fields.get("err", "")[:10])


def outcome_for(stat: str) -> carrier.Outcome:
    return OUTCOMES.get(stat) or carrier.Outcome("Failed", stat, f"The operator reported {stat}")


def _moves_forward(old: str, new: str) -> bool:
    if not old:
        return True
    return old in INTERMEDIATE and new != old  # a final state never changes


def _settle_if_decided(message: Message) -> None:
    parts = list(message.parts.all())
    failed = next((p for p in parts if p.stat and p.stat not in INTERMEDIATE
                   and p.stat != "DELIVRD"), None)
    if failed is not None:
        message_settle_with(message, outcome_for(failed.stat),
                            smsc_error=f"err:{failed.err}" if failed.err else "")
    elif len(parts) == message.units and all(p.stat == "DELIVRD" for p in parts):
        message_settle_with(message, carrier.DELIVERED)


@transaction.atomic
def apply_receipt(receipt: Receipt, *, carrier_id: int | None) -> str:
    """Apply one receipt: "applied", "ignored" (duplicate, late or for a settled message) or
    "early" (kept until the id is known). `carrier_id` None: any carrier's id (/inbound/dlr)."""
    parts = MessagePart.objects.filter(carrier_message_id=receipt.carrier_message_id)
    if carrier_id is not None:
        parts = parts.filter(message__carrier_id=carrier_id)
    found = parts.values_list("pk", "message_id").first()
    if found is None:
        try:
            with transaction.atomic():
                EarlyReceipt.objects.create(carrier_id=carrier_id, stat=receipt.stat,
                                            carrier_message_id=receipt.carrier_message_id,
                                            err=receipt.err)
        except IntegrityError:
            return "ignored"  # the same early receipt again
        return "early"
    part_pk, message_pk = found
    # The message first, then its part: the order every writer takes.
    message = (Message.objects.select_for_update(of=("self",)).select_related("callback_profile")
               .get(pk=message_pk))
    part = MessagePart.objects.get(pk=part_pk)
    if not _moves_forward(part.stat, receipt.stat):
        return "ignored"
    part.stat, part.err, part.receipt_at = receipt.stat, receipt.err, timezone.now()
    part.save(update_fields=["stat", "err", "receipt_at"])
    if message.settled_at is None and receipt.stat not in INTERMEDIATE:
        _settle_if_decided(message)
    return "applied"


def apply_early_receipts(carrier_id: int, carrier_message_ids: list[str]) -> None:
    """Receipts that arrived before their submit_sm_resp, now that the ids are recorded."""
    early = list(EarlyReceipt.objects.filter(carrier_message_id__in=carrier_message_ids)
                 .filter(Q(carrier_id=carrier_id) | Q(carrier__isnull=True))
                 .order_by("received_at", "pk"))
    for row in early:
        apply_receipt(Receipt(row.carrier_message_id, row.stat, row.err),
                      carrier_id=row.carrier_id)
    EarlyReceipt.objects.filter(pk__in=[row.pk for row in early]).delete()
