"""Sending SMS and settling their delivery reports.

`message_send` is the one code path behind `POST /v1/<sid>/messages` and the "Send test SMS"
page: it checks every input first (all recipients included) and only then writes, in one
transaction, so a request is either accepted whole or not at all.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import Account
from common.bulk_update import update_rows
from common.errors import InvalidInput, Issue
from delivery.models import Delivery
from delivery.profile_render import ProfileInputs
from delivery.services import deliveries_save, delivery_build
from profiles.models import CallbackProfile, Channel
from profiles.selectors import profile_channel_of

from . import carrier, metrics
from .acceptance import messages_insert
from .models import Encoding, Message, MessageType, SubmitState
from .opt_outs import opt_out_issue, opted_out_numbers
from .recipients import InvalidNumber, Recipient, parse_recipient, price_for, split_numbers
from .segmentation import GSM7, LIMITS, UCS2, segment
from .smpp import routing

SMS_SENT_EVENT = "SMS-sent"
SOURCE_API = "API"
SOURCE_UI = "UI"
DEFAULT_SENDER = "KLRHXA"
DEFAULT_TYPE = MessageType.TXN
MAX_RECIPIENTS = 100
MAX_BODY_CHARS = 2000
MAX_TEXT_FIELD = 100
# An alphanumeric sender id (up to 11 characters, as GSM allows) or a number of up to 15 digits.
SENDER_PATTERN = re.compile(r"^(?=.*[A-Za-z])[A-Za-z0-9]{1,11}$|^\+?[0-9]{1,15}$")
TEMPLATE_ID_PATTERN = re.compile(r"^[0-9]{1,30}$")
PROFILE_UNKNOWN = "must be the id of one of this account's callback profiles"
PROFILE_NOT_SMS = (
    "must be a profile of the SMS channel: a 'Default - No Channel Selected' profile has no "
    "SMS events"
)


@dataclass(frozen=True)
class SendResult:
    request_id: uuid.UUID
    messages: list[Message]


def _required(name: str) -> Issue:
    return Issue("", f"must have required property '{name}'")


def _flash_value(raw: object) -> bool | None:
    if raw is None or raw == "":
        return False
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    return {"0": False, "1": True, "false": False, "true": True}.get(text)


def _recipients(to: str | Sequence[str] | None, issues: list[Issue]) -> list[Recipient]:
    if to is None:
        issues.append(_required("to"))
        return []
    entries = split_numbers(to) if isinstance(to, str) else [str(t).strip() for t in to]
    if not any(entries):
        issues.append(Issue("to", "must NOT be empty"))
        return []
    if len(entries) > MAX_RECIPIENTS:
        issues.append(Issue("to", f"must NOT have more than {MAX_RECIPIENTS} numbers"))
        return []
    recipients: list[Recipient] = []
    for entry in entries:
        try:
            recipient = parse_recipient(entry)
        except InvalidNumber as exc:
            issues.append(Issue("to", f"must be a comma-separated list of E.164 numbers: {exc}"))
            continue
        # One number, one message: a repeated number (also written another way) is refused
        # rather than sent twice or silently dropped (README "Sending SMS").
        if any(r.e164 == recipient.e164 for r in recipients):
            issues.append(Issue("to", f"must NOT repeat a number: {recipient.e164} is given "
                                      "more than once"))
            continue
        recipients.append(recipient)
    return recipients


def _callback_profile(
    account: Account, profile_id: str | None, issues: list[Issue]
) -> CallbackProfile | None:
    profile_id = (profile_id or "").strip()
    if not profile_id:
        return None
    # Unknown and another account's ids get the same answer: existence is never revealed.
    profile = profile_channel_of(account_id=account.pk, profile_id=profile_id)
    if profile is None:
        issues.append(Issue("callback_profile_id", PROFILE_UNKNOWN))
    elif profile.channel != Channel.SMS:
        issues.append(Issue("callback_profile_id", PROFILE_NOT_SMS))
    return profile


def _text_issues(fields: dict[str, str | None], issues: list[Issue]) -> None:
    for name, value in fields.items():
        if value is not None and len(value) > MAX_TEXT_FIELD:
            issues.append(Issue(name, f"must NOT have more than {MAX_TEXT_FIELD} characters"))


def message_send(
    *,
    account: Account,
    to: str | Sequence[str] | None = None,
    body: str | None = None,
    type: str | None = None,  # noqa: A002 - the API's field name
    sender: str | None = None,
    template_id: str | int | None = None,
    callback_profile_id: str | None = None,
    ref: str | None = None,
    ref1: str | None = None,
    ref2: str | None = None,
    campaign_name: str | None = None,
    flash: object = None,
    source: str = SOURCE_API,
    opt_out_exempt: bool = False,
) -> SendResult:
    """Validate a send request, record one Message per recipient and queue their settlement.

    Opted-out recipients are refused (one issue each, so the request stays all-or-nothing and
    says which numbers), except for OTP messages and `opt_out_exempt` sends: the replies to
    the opt-out keywords themselves (the STOP confirmation, HELP).
    """
    issues: list[Issue] = []
    recipients = _recipients(to, issues)

    if body is None:
        issues.append(_required("body"))
    elif not body.strip():
        issues.append(Issue("body", "must NOT be empty"))
    elif len(body) > MAX_BODY_CHARS:
        issues.append(Issue("body", f"must NOT have more than {MAX_BODY_CHARS} characters"))

    sms_type = (type or DEFAULT_TYPE).strip().upper()
    if sms_type not in MessageType.values:
        allowed = ", ".join(MessageType.values)
        issues.append(Issue("type", f"must be equal to one of the allowed values: {allowed}"))

    sender = (sender or "").strip() or DEFAULT_SENDER
    if not SENDER_PATTERN.match(sender):
        issues.append(Issue(
            "sender", "must be 1-11 letters and digits, or a number of up to 15 digits"
        ))

    template = "" if template_id is None else str(template_id).strip()
    if template and not TEMPLATE_ID_PATTERN.match(template):
        issues.append(Issue("template_id", "must be a number of up to 30 digits"))

    is_flash = _flash_value(flash)
    if is_flash is None:
        issues.append(Issue("flash", "must be 0 or 1"))

    texts = {"ref": ref, "ref1": ref1, "ref2": ref2, "campaign_name": campaign_name}
    _text_issues(texts, issues)
    profile = _callback_profile(account, callback_profile_id, issues)
    # Checked by the INSERT itself (sms.acceptance); a request refused anyway says it too.
    refuse_opted_out = not opt_out_exempt and sms_type != MessageType.OTP
    if issues:
        if refuse_opted_out:
            issues += _opt_out_issues(account, recipients)
        raise InvalidInput(issues)

    assert body is not None
    while (result := _record(
        account=account, recipients=recipients, body=body, sms_type=sms_type, sender=sender,
        template_id=template, profile=profile, flash=bool(is_flash), source=source,
        texts={k: (v or "") for k, v in texts.items()}, refuse_opted_out=refuse_opted_out,
    )) is None:
        if opted_out := _opt_out_issues(account, recipients):
            raise InvalidInput(opted_out)
        # else they opted back in between the INSERT and this check: try again
    accepted = len(result.messages)
    transaction.on_commit(lambda: metrics.ACCEPTED.labels(type=sms_type).inc(accepted))
    return result


def _opt_out_issues(account: Account, recipients: list[Recipient]) -> list[Issue]:
    numbers = [r.e164 for r in recipients]
    opted_out = opted_out_numbers(account=account, numbers=numbers)
    return [opt_out_issue(number) for number in numbers if number in opted_out]


def _record(
    *, account: Account, recipients: list[Recipient], body: str, sms_type: str, sender: str,
    template_id: str, profile: CallbackProfile | None, flash: bool, source: str,
    texts: dict[str, str], refuse_opted_out: bool,
) -> SendResult | None:
    """The request's messages, written; None (nothing written) with `refuse_opted_out` when a
    recipient has opted out."""
    request_id = uuid.uuid4()
    seg = segment(body)
    now = timezone.now()
    settle_after = now + timedelta(seconds=settings.SMS_DLR_DELAY_SECONDS)
    routes = routing.routing_table()
    messages = [
        Message(
            account=account, request_id=request_id, position=position,
            message_id=f"{request_id}:{position}", recipient=recipient.e164, body=body,
            encoding=Encoding.GSM7 if seg.encoding == GSM7 else Encoding.UCS2,
            length=seg.length, units=seg.units, iso_code=recipient.iso_code,
            country_name=recipient.country_name, time_zone=recipient.time_zone,
            price=price_for(recipient.iso_code, seg.units), sender=sender, type=sms_type,
            template_id=template_id, flash=flash, source=source,
            callback_profile=profile, status=carrier.SENT.status,
            status_trace=carrier.SENT.status_trace, description=carrier.SENT.description,
            sent_at=now, status_at=now, **texts,
            **_routing_fields(routes.route(recipient.e164), now, settle_after),
        )
        for position, recipient in enumerate(recipients, start=1)
    ]
    # Durable once committed (with the day's `total`): the worker, woken, settles every
    # message past `settle_after`.
    if not messages_insert(messages, units_each=seg.units, refuse_opted_out=refuse_opted_out):
        return None
    return SendResult(request_id=request_id, messages=messages)


def _routing_fields(target: routing.Route | None, now: datetime, settle_after: datetime) -> dict:
    """A real carrier's message waits for a bind and then its receipt until its validity ends;
    one no carrier takes settles at once (Rejected, NO-ROUTE); else the simulator settles it
    after SMS_DLR_DELAY_SECONDS."""
    if target is None:
        return {"settle_after": settle_after}
    if target is routing.NO_ROUTE:
        return {"submit_state": SubmitState.DONE, "settle_after": now}
    return {"carrier_id": target.carrier_id, "submit_state": SubmitState.QUEUED,
            "submit_after": now, "settle_after": now + target.validity}


def _report_for(message: Message) -> carrier.Outcome:
    if message.submit_state == SubmitState.NONE:
        seg_limit = LIMITS[GSM7 if message.encoding == Encoding.GSM7 else UCS2][0]
        return carrier.outcome_for(
            recipient=message.recipient, sms_type=message.type, units=message.units,
            single_limit=seg_limit,
        )
    if message.carrier_id is None:
        return carrier.NO_ROUTE
    return carrier.NO_DLR  # a real carrier's message past its validity period


def apply_carrier_reports(messages: list[Message], *, inputs: ProfileInputs | None = None
                          ) -> None:
    """Settle locked, unsettled messages that are due (`_report_for`), with one INSERT of
    their callbacks and one UPDATE of the messages, however many (`inputs`: see
    `delivery_build`)."""
    now = timezone.now()
    deliveries = [delivery for message in messages
                  if (delivery := _settled(message, _report_for(message), now=now,
                                           inputs=inputs)[1])]
    deliveries_save(deliveries)
    columns = {f.name: f.attname for f in Message._meta.concrete_fields
               if f.name in BATCH_SETTLED_FIELDS}
    update_rows(Message, {m.pk: {name: getattr(m, attname) for name, attname in columns.items()}
                          for m in messages}, BATCH_SETTLED_FIELDS)
    for message in messages:
        metrics.SETTLED.labels(status=message.status).inc()


BATCH_SETTLED_FIELDS = ("status", "status_trace", "description", "status_at", "settled_at",
                        "callback_delivery", "submit_state")


def message_settle_with(message: Message, outcome: carrier.Outcome, *, smsc_error: str = "",
                        inputs: ProfileInputs | None = None) -> None:
    """Give a locked, unsettled message its final status and queue its callback."""
    fields, delivery = _settled(message, outcome, now=timezone.now(), inputs=inputs,
                                smsc_error=smsc_error)
    if delivery is not None:
        deliveries_save([delivery])
    message.save(update_fields=fields)
    metrics.SETTLED.labels(status=message.status).inc()


def _settled(
    message: Message, outcome: carrier.Outcome, *, now: datetime,
    inputs: ProfileInputs | None, smsc_error: str = "",
) -> tuple[list[str], Delivery | None]:
    """The final status, set on the message in memory, and its callback built (both saved by
    the caller); the fields that changed."""
    message.status = outcome.status
    message.status_trace = outcome.status_trace
    message.description = outcome.description
    message.status_at = now
    message.settled_at = now
    fields = ["status", "status_trace", "description", "status_at", "settled_at",
              "callback_delivery"]
    if smsc_error:
        message.smsc_error = smsc_error
        fields.append("smsc_error")
    if message.submit_state in (SubmitState.QUEUED, SubmitState.SUBMITTING):
        message.submit_state = SubmitState.DONE
        fields.append("submit_state")
    if message.callback_profile is None:
        return fields, None
    message.callback_delivery = delivery_build(
        profile=message.callback_profile,
        event=SMS_SENT_EVENT,
        variables=message.callback_variables(),
        source_type="sms_message",
        source_id=message.message_id,
        inputs=inputs,
    )
    return fields, message.callback_delivery
