"""What an incoming SMS sets off besides its callback: the standard opt-out keywords and the
matched configuration's actions (Subscribe, Unsubscribe, Auto Reply, Forward).

Every SMS goes through `sms.services.message_send` from the receiving VMN, so replies and
forwards are priced, appear in SMS logs and fire delivery reports like any message. An action
that cannot run (an opted-out forward number, a refused text) never stops the others or the
receipt itself: each one leaves an outcome {"action", "ok", "detail"} on the incoming message.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from common.errors import InvalidInput
from delivery.render import fill_text_template
from sms import opt_outs
from sms.services import MAX_BODY_CHARS, message_send

from .matching import callback_variables
from .models import IncomingMessage, ReceiveConfiguration
from .subscribers import subscriber_add, subscriber_remove

logger = logging.getLogger(__name__)

SOURCE_AUTO_REPLY = "Auto Reply"
SOURCE_FORWARD = "Forward"
SOURCE_KEYWORD_REPLY = "Keyword reply"


def outcome(action: str, ok: bool, detail: str) -> dict:
    return {"action": action, "ok": ok, "detail": detail}


def send_sms(
    *, incoming: IncomingMessage, configuration: ReceiveConfiguration | None, to: list[str],
    text: str, source: str, action: str, exempt: bool = False,
) -> dict:
    """One SMS send from the VMN; an invalid or refused send becomes a failed outcome."""
    profile = configuration.reply_callback_profile if configuration else None
    try:
        with transaction.atomic():
            result = message_send(
                account=incoming.account, to=to, body=text[:MAX_BODY_CHARS],
                sender=incoming.recipient, source=source,
                callback_profile_id=profile.profile_id if profile else None,
                opt_out_exempt=exempt,
            )
    except InvalidInput as exc:
        return outcome(action, False, "; ".join(i.api_text() for i in exc.issues))
    ids = ", ".join(m.message_id for m in result.messages)
    return outcome(action, True, f"SMS to {', '.join(to)} sent ({ids})")


def record_keyword(*, incoming: IncomingMessage, kind: str | None) -> list[dict]:
    """Opt the sender out or back in for a standard keyword (with or without configuration)."""
    account, number = incoming.account, incoming.source
    if kind == opt_outs.OPT_OUT:
        opt_outs.opt_out_record(account=account, number=number, keyword=incoming_word(incoming),
                                via=incoming.recipient)
        return [outcome("opt_out", True, f"{number} opted out of this account's messages")]
    if kind == opt_outs.OPT_IN:
        found = opt_outs.opt_in_record(account=account, number=number,
                                       keyword=incoming_word(incoming))
        detail = f"{number} opted back in" if found else f"{number} had not opted out"
        return [outcome("opt_in", True, detail)]
    return []


def incoming_word(incoming: IncomingMessage) -> str:
    words = incoming.message.split()
    return words[0].upper() if words else ""


def keyword_reply(*, incoming: IncomingMessage, configuration: ReceiveConfiguration | None,
                  kind: str) -> dict:
    """The account's confirmation (STOP, START) or help text; a configured Auto Reply of the
    matched configuration replaces it, so the sender never gets two answers."""
    text = opt_outs.opt_out_replies(account=incoming.account).for_kind(kind)
    # The confirmation of an opt-out and the help text reach an opted-out number (they answer
    # the number's own message); an opt-in confirmation needs no exemption.
    return send_sms(incoming=incoming, configuration=configuration, to=[incoming.source],
                    text=text, source=SOURCE_KEYWORD_REPLY, action=f"{kind}_reply",
                    exempt=kind != opt_outs.OPT_IN)


def run_configuration_actions(
    *, incoming: IncomingMessage, configuration: ReceiveConfiguration, kind: str | None
) -> list[dict]:
    results: list[dict] = []
    keyword = incoming_word(incoming)
    # E.164, as SMS sends store it, so a list exports numbers one can send to.
    number = opt_outs.normalise(incoming.source)
    if configuration.subscribe_list is not None:
        subscriber_add(subscriber_list=configuration.subscribe_list, number=number,
                       keyword=keyword)
        results.append(outcome("subscribe", True,
                               f"{number} subscribed to {configuration.subscribe_list}"))
    if configuration.unsubscribe_list is not None:
        removed = subscriber_remove(subscriber_list=configuration.unsubscribe_list,
                                    number=number, keyword=keyword)
        verb = "unsubscribed from" if removed else "was not subscribed to"
        results.append(outcome("unsubscribe", True,
                               f"{number} {verb} {configuration.unsubscribe_list}"))
    if configuration.auto_reply:
        results.append(_auto_reply(incoming=incoming, configuration=configuration, kind=kind))
    if configuration.forward:
        results += _forward(incoming=incoming, configuration=configuration)
    return results


def _auto_reply(*, incoming: IncomingMessage, configuration: ReceiveConfiguration,
                kind: str | None) -> dict:
    values = callback_variables(incoming=incoming, http_method="POST")
    text = fill_text_template(configuration.auto_reply_text, values)
    # The Auto Reply of a STOP (or HELP) keyword configuration is that keyword's answer, so it
    # reaches the number that just opted out; a default configuration's reply does not.
    exempt = bool(configuration.keyword) and kind in (opt_outs.OPT_OUT, opt_outs.HELP)
    delay = configuration.auto_reply_delay_minutes
    if not delay:
        return send_sms(incoming=incoming, configuration=configuration, to=[incoming.source],
                        text=text, source=SOURCE_AUTO_REPLY, action="auto_reply", exempt=exempt)
    run_after = timezone.now() + timedelta(minutes=delay)
    transaction.on_commit(partial(_schedule_auto_reply, incoming.pk, text, exempt, run_after))
    return outcome("auto_reply", True,
                   f"scheduled for {run_after:%Y-%m-%d %H:%M} UTC ({delay} min)")


def _schedule_auto_reply(incoming_pk: int, text: str, exempt: bool, run_after) -> None:
    from .tasks import send_delayed_auto_reply

    runner = send_delayed_auto_reply
    if runner.get_backend().supports_defer:
        runner = runner.using(run_after=run_after)
    runner.enqueue(incoming_pk, text, exempt)


def delayed_auto_reply_send(*, incoming_pk: int, text: str, exempt: bool) -> dict | None:
    """The scheduled Auto Reply, sent now; its outcome is added to the incoming message."""
    with transaction.atomic():
        incoming = (IncomingMessage.objects.select_for_update(of=("self",))
                    .select_related("account", "configuration__reply_callback_profile")
                    .filter(pk=incoming_pk).first())
        if incoming is None:
            return None
        result = send_sms(incoming=incoming, configuration=incoming.configuration,
                          to=[incoming.source], text=text, source=SOURCE_AUTO_REPLY,
                          action="auto_reply", exempt=exempt)
        incoming.actions = [*incoming.actions, result]
        incoming.save(update_fields=["actions"])
    return result


def _forward(*, incoming: IncomingMessage, configuration: ReceiveConfiguration) -> list[dict]:
    values = callback_variables(incoming=incoming, http_method="POST")
    text = fill_text_template(configuration.forward_template, values)
    results = []
    if configuration.forward_numbers:
        results.append(send_sms(incoming=incoming, configuration=configuration,
                                to=list(configuration.forward_numbers), text=text,
                                source=SOURCE_FORWARD, action="forward_sms"))
    if configuration.forward_emails:
        emails = list(configuration.forward_emails)
        subject = f"SMS from {incoming.source} to {incoming.recipient}"
        transaction.on_commit(partial(_send_forward_email, subject, text, emails))
        results.append(outcome("forward_email", True, f"email to {', '.join(emails)}"))
    return results


def _send_forward_email(subject: str, text: str, emails: list[str]) -> None:
    # After commit: a receipt that rolls back sends no email. A mail server failure is logged;
    # it must not turn the carrier's request into an error.
    try:
        send_mail(subject, text, settings.DEFAULT_FROM_EMAIL, emails)
    except Exception:  # noqa: BLE001 - any SMTP/socket failure
        logger.exception("Forward email to %s failed", emails)
