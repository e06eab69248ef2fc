"""The submit queue: the Message table, as for settlement (nothing lives only in memory).

A bind claims queued messages (state `submitting`, its lease token in `submit_lease`) in the
transaction that creates their parts, sends their submit_sm, and records each submit_sm_resp:
the carrier's id, a throttling answer (back to the queue, later, no error to the customer) or
an error (settled Rejected/Failed with the SMPP error name). A message claimed by a bind that
is gone goes back to the queue (at-least-once: it may be submitted twice) or, with
`delivery=at-most-once`, settles Failed / UNKNOWN-SUBMIT (README: Connecting a carrier).
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from smpplib import consts

from sms import carrier
from sms.models import BindLease, Message, MessagePart, SubmitState
from sms.services import message_settle_with

from .parts import OutgoingPart, outgoing_parts, whole_text
from .receipts import apply_early_receipts
from .rows import update_many
from .url import AT_MOST_ONCE

ERROR_NAMES = {value: name.removeprefix("SMPP_") for name, value in vars(consts).items()
               if name.startswith("SMPP_ESME_")}
NACKED = -1  # a generic_nack answered the submit_sm: send it again
# Answers that mean "not now": back to the queue, no error for the customer.
RETRYING = {consts.SMPP_ESME_RTHROTTLED, consts.SMPP_ESME_RMSGQFUL, NACKED}
# Answers about the message itself: the carrier refused it (Rejected). Any other error: Failed.
REJECTING = {consts.SMPP_ESME_RINVDSTADR, consts.SMPP_ESME_RINVSRCADR,
             consts.SMPP_ESME_RINVDSTTON, consts.SMPP_ESME_RINVDSTNPI,
             consts.SMPP_ESME_RINVSRCTON, consts.SMPP_ESME_RINVSRCNPI,
             consts.SMPP_ESME_RINVMSGLEN, consts.SMPP_ESME_RINVESMCLASS,
             consts.SMPP_ESME_RINVSERTYP, consts.SMPP_ESME_RX_R_APPN}


def error_name(status: int) -> str:
    return ERROR_NAMES.get(status, "ESME_UNKNOWN")


def submit_error_outcome(status: int) -> carrier.Outcome:
    name = error_name(status)
    description = consts.DESCRIPTIONS.get(status, "Unknown error")
    return carrier.Outcome("Rejected" if status in REJECTING else "Failed", name,
                           f"Refused by the carrier: {description}")


@dataclass(frozen=True)
class PendingPart:
    message_pk: int
    part_pk: int
    recipient: str  # digits, no +
    sender: str
    payload: OutgoingPart
    parts: int = 1  # how many its message has
    text: str = ""  # whole: the message's text, for a carrier that splits it itself
    carrier_message_id: str = ""  # whole: the id the platform gave it, recorded at claim


@dataclass(frozen=True)
class Response:
    part: PendingPart
    status: int  # 0 = accepted
    carrier_message_id: str = ""


def _locked(queryset):
    if connection.features.has_select_for_update_skip_locked:
        return queryset.select_for_update(skip_locked=True, of=("self",))
    return queryset


def has_queued(carrier_id: int) -> bool:
    return Message.objects.filter(carrier_id=carrier_id, submit_state=SubmitState.QUEUED,
                                  submit_after__lte=timezone.now()).exists()


def platform_id(message_pk: int) -> str:
    """An id for a whole message, given by the platform (README: HTTP gateways (Kannel))."""
    return f"cb{message_pk}-{secrets.token_hex(6)}"


@transaction.atomic
def claim(*, carrier_id: int, lease: str, limit: int, whole: bool = False) -> list[PendingPart]:
    """Up to `limit` due messages, now `submitting` under `lease`; their unsubmitted parts.
    `whole`: one part per message (a carrier that splits texts itself), carrying an id the
    platform generated and recorded here, before the carrier sees the message."""
    now = timezone.now()
    queued = (Message.objects.filter(carrier_id=carrier_id, submit_state=SubmitState.QUEUED,
                                     submit_after__lte=now, settled_at__isnull=True)
              .order_by("submit_after", "pk")
              .only("pk", "recipient", "sender", "body", "encoding", "units"))
    messages = list(_locked(queued)[:limit])
    if not messages:
        return []
    pks = [m.pk for m in messages]
    Message.objects.filter(pk__in=pks).update(
        submit_state=SubmitState.SUBMITTING, submit_lease=lease,
        submit_attempts=F("submit_attempts") + 1)
    parts: defaultdict[int, dict[int, MessagePart]] = defaultdict(dict)
    for part in MessagePart.objects.filter(message_id__in=pks):
        parts[part.message_id][part.number] = part
    new = [MessagePart(message_id=m.pk, number=n,
                       carrier_message_id=platform_id(m.pk) if whole else "")
           for m in messages if not parts[m.pk] for n in range(1, (1 if whole else m.units) + 1)]
    for part in MessagePart.objects.bulk_create(new):
        parts[part.message_id][part.number] = part
    pending = []
    for message in messages:
        if whole:  # sent again with the same id after an error: its receipts still match
            part = parts[message.pk][1]
            if not part.carrier_message_id:  # claimed before its carrier became a Kannel
                part.carrier_message_id = platform_id(message.pk)
                part.save(update_fields=["carrier_message_id"])
            pending.append(PendingPart(
                message.pk, part.pk, message.recipient.lstrip("+"), message.sender,
                whole_text(message.body, message.encoding), text=message.body,
                carrier_message_id=part.carrier_message_id))
            continue
        # The reference stays the same when a part is sent again, so handsets still join them.
        payloads = outgoing_parts(message.body, message.encoding, reference=message.pk % 256)
        for payload in payloads:
            part = parts[message.pk][payload.number]
            if not part.carrier_message_id:
                pending.append(PendingPart(message.pk, part.pk, message.recipient.lstrip("+"),
                                           message.sender, payload, len(payloads)))
    return pending


def _lock_messages(pks: set[int], *, full: bool = True) -> dict[int, Message]:
    rows = (Message.objects.select_for_update(of=("self",)).filter(pk__in=sorted(pks))
            .order_by("pk"))
    rows = rows.select_related("callback_profile") if full else rows.only(
        "pk", "submit_state", "settled_at")
    return {m.pk: m for m in rows}


@transaction.atomic
def record_responses(*, carrier_id: int, responses: list[Response],
                     retry_in: float) -> None:
    """Record a batch of submit_sm_resp: ids, throttling (retry in `retry_in` s), errors.
    A few statements per batch, whatever its size (bench/carrier.py)."""
    now = timezone.now()
    messages = _lock_messages({r.part.message_pk for r in responses}, full=False)
    accepted: dict[int, str] = {}  # part pk -> carrier id
    throttled: set[int] = set()
    for response in responses:
        message = messages.get(response.part.message_pk)
        if response.status == consts.SMPP_ESME_ROK:
            accepted[response.part.part_pk] = response.carrier_message_id[:65]
        elif response.status in RETRYING:
            throttled.add(response.part.message_pk)
        elif message is not None and message.settled_at is None:
            settled = Message.objects.select_related("callback_profile").get(pk=message.pk)
            message_settle_with(settled, submit_error_outcome(response.status),
                                smsc_error=f"{error_name(response.status)} "
                                           f"(0x{response.status:02X})")
            message.submit_state, message.settled_at = settled.submit_state, settled.settled_at
    update_many(MessagePart, ["carrier_message_id", "submitted_at"],
                [(found, now, pk) for pk, found in accepted.items()])
    Message.objects.filter(pk__in=throttled, submit_state=SubmitState.SUBMITTING).update(
        submit_state=SubmitState.QUEUED, submit_lease="",
        submit_after=now + timedelta(seconds=retry_in))
    # The carrier's id of each part (message pk -> part number -> id); only a message of
    # several parts needs the ids its earlier answers recorded.
    ids: defaultdict[int, dict[int, str]] = defaultdict(dict)
    several = sorted({r.part.message_pk for r in responses if r.part.parts > 1})
    for part in MessagePart.objects.filter(message_id__in=several).only(
            "message_id", "number", "carrier_message_id") if several else ():
        ids[part.message_id][part.number] = part.carrier_message_id
    for response in responses:
        if response.part.parts == 1 and response.part.part_pk in accepted:
            ids[response.part.message_pk][1] = accepted[response.part.part_pk]
    done = []
    for message in messages.values():
        known = [ids[message.pk][number] for number in sorted(ids[message.pk])]
        if (message.pk not in throttled and message.submit_state == SubmitState.SUBMITTING
                and known and all(known)):
            done.append((SubmitState.SUBMITTED.value, " ".join(known)[:300], message.pk))
    update_many(Message, ["submit_state", "carrier_message_id"], done)
    apply_early_receipts(carrier_id, list(accepted.values()))


@transaction.atomic
def settle_refused(message_pk: int, outcome: carrier.Outcome, *, smsc_error: str) -> None:
    """The carrier refused the message itself (not a passing error): it settles with why."""
    message = _lock_messages({message_pk}).get(message_pk)
    if message is not None and message.settled_at is None:
        message_settle_with(message, outcome, smsc_error=smsc_error)


@transaction.atomic
def release(*, message_pks: set[int], sent_pks: set[int], mode: str) -> None:
    """A bind lost its link (or stopped): its claimed messages go back to the queue; those with
    a submit_sm sent and unanswered settle UNKNOWN-SUBMIT when the carrier is at-most-once."""
    for message in _lock_messages(message_pks).values():
        if message.submit_state != SubmitState.SUBMITTING or message.settled_at is not None:
            continue
        if mode == AT_MOST_ONCE and message.pk in sent_pks:
            message_settle_with(message, carrier.UNKNOWN_SUBMIT)
        else:
            Message.objects.filter(pk=message.pk).update(
                submit_state=SubmitState.QUEUED, submit_lease="", submit_after=timezone.now())


def recover_orphans(*, carrier_id: int, mode: str) -> int:
    """Messages claimed by binds whose lease lapsed (their worker died): requeued, or under
    at-most-once settled UNKNOWN-SUBMIT. How many."""
    live = BindLease.objects.filter(carrier_id=carrier_id, expires_at__gt=timezone.now())
    orphans = set(Message.objects.filter(carrier_id=carrier_id,
                                         submit_state=SubmitState.SUBMITTING)
                  .exclude(submit_lease__in=live.values("holder"))
                  .values_list("pk", flat=True))
    if orphans:
        release(message_pks=orphans, sent_pks=orphans, mode=mode)
    return len(orphans)
