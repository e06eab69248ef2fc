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
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from delivery.profile_render import ProfileInputs
from sms import carrier
from sms.models import EarlyReceipt, Message, MessagePart
from sms.services import message_settle_with

from .rows import update_many

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


def _decide(message: Message, states: list[tuple[str, str]],
            inputs: ProfileInputs | None) -> None:
    """Settle `message` if its parts' (stat, err) decide it: a failed part, or all delivered."""
    failed = next(((stat, err) for stat, err in states
                   if stat and stat not in INTERMEDIATE and stat != "DELIVRD"), None)
    if failed is not None:
        message_settle_with(message, outcome_for(failed[0]),
                            smsc_error=f"err:{failed[1]}" if failed[1] else "", inputs=inputs)
    elif states and all(stat == "DELIVRD" for stat, _ in states):  # every part recorded
        message_settle_with(message, carrier.DELIVERED, inputs=inputs)


def _keep_early(receipt: Receipt, carrier_id: int | None) -> str:
    try:
        with transaction.atomic():
            EarlyReceipt.objects.create(carrier_id=carrier_id, stat=receipt.stat,
                                        carrier_message_id=receipt.carrier_message_id,
                                        err=receipt.err)
    except IntegrityError:
        return "ignored"  # the same early receipt again
    return "early"


def apply_receipt(receipt: Receipt, *, carrier_id: int | None) -> str:
    """Apply one receipt: "applied", "ignored" (a duplicate, or a state behind the part's) or
    "early" (kept until the id is known). `carrier_id` None: any carrier's id (/inbound/dlr)."""
    return apply_receipts([receipt], carrier_id=carrier_id)[0]


@transaction.atomic
def apply_receipts(batch: list[Receipt], *, carrier_id: int | None) -> list[str]:
    """Apply receipts in the order given, in one transaction and a few statements whatever the
    batch's size (bench/carrier.py); the outcome of each, as apply_receipt."""
    parts = MessagePart.objects.filter(
        carrier_message_id__in={r.carrier_message_id for r in batch})
    if carrier_id is not None:
        parts = parts.filter(message__carrier_id=carrier_id)
    by_id = {p["carrier_message_id"]: p for p in parts.values(
        "pk", "message_id", "carrier_message_id")}
    # The messages first, then their parts: the order every writer takes.
    messages = {m.pk: m for m in Message.objects.select_for_update(of=("self",))
                .select_related("callback_profile").order_by("pk")
                .filter(pk__in=sorted({p["message_id"] for p in by_id.values()}))}
    # (message pk, part number) -> [stat, err, part pk]
    states: dict[tuple[int, int], list[Any]] = {
        (p["message_id"], p["number"]): [p["stat"], p["err"], p["pk"]]
        for p in MessagePart.objects.filter(message_id__in=list(messages))
        .values("pk", "message_id", "number", "stat", "err")}
    numbers = {state[2]: key for key, state in states.items()}
    outcomes, changed, touched = [], {}, set()
    for receipt in batch:
        found = by_id.get(receipt.carrier_message_id)
        if found is None:
            outcomes.append(_keep_early(receipt, carrier_id))
            continue
        state = states[numbers[found["pk"]]]
        if not _moves_forward(state[0], receipt.stat):
            outcomes.append("ignored")
            continue
        state[0], state[1] = receipt.stat, receipt.err
        changed[found["pk"]] = (receipt.stat, receipt.err)
        if receipt.stat not in INTERMEDIATE:
            touched.add(found["message_id"])
        outcomes.append("applied")
    now = timezone.now()
    update_many(MessagePart, ["stat", "err", "receipt_at"],
                [(stat, err, now, pk) for pk, (stat, err) in changed.items()])
    inputs = ProfileInputs()  # each profile's settings are read once per batch
    for pk in sorted(touched):
        message = messages[pk]
        if message.settled_at is None:
            _decide(message, [(state[0], state[1]) for (message_pk, _), state in
                              sorted(states.items()) if message_pk == pk], inputs)
    return outcomes


def apply_early_receipts(carrier_id: int, carrier_message_ids: list[str]) -> None:
    """Receipts that arrived before their submit_sm_resp, now that the ids are recorded."""
    if not carrier_message_ids:
        return
    early = list(EarlyReceipt.objects.filter(carrier_message_id__in=carrier_message_ids)
                 .filter(Q(carrier_id=carrier_id) | Q(carrier__isnull=True))
                 .order_by("received_at", "pk"))
    for row in early:
        apply_receipt(Receipt(row.carrier_message_id, row.stat, row.err),
                      carrier_id=row.carrier_id)
    EarlyReceipt.objects.filter(pk__in=[row.pk for row in early]).delete()
