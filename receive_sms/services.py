"""Writes for Receive SMS. Pages, the API, the admin, the commands and the carrier endpoint all
call these, so an incoming SMS takes exactly one code path whatever brought it in."""

from __future__ import annotations

import re
from copy import copy
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Account
from common.errors import InvalidInput, Issue, NotFound
from common.phone_numbers import e164_or_none
from delivery.services import delivery_create
from profiles.models import CallbackProfile
from profiles.selectors import PROFILE_NOT_FOUND
from profiles.services import profile_delete
from sms import opt_outs
from sms.recipients import InvalidNumber, parse_recipient

from . import actions, metrics
from .action_rules import DEFAULT_FORWARD_TEMPLATE, action_issues
from .matching import callback_variables, first_word, match_configuration, normalise_keyword
from .models import VMN, IncomingMessage, ReceiveConfiguration, SenderId, TriggerType
from .selectors import VMN_NOT_FOUND
from .subscribers import subscriber_list_get_or_create
from .webhooks import sync_webhook_profile, webhook_url_issues

SENDER_ID_PATTERN = re.compile(r"^[A-Za-z0-9]{3,11}$")
MAX_KEYWORD = 30
MAX_MESSAGE = 2000
MAX_SOURCE = 32
MAX_OPERATOR = 60
MAX_CARRIER_ID = 100
INCOMING_EVENT = "SMS-incoming"
INCOMING_SOURCE_TYPE = "incoming_sms"
# A configuration whose profile was deleted keeps Trigger URL on but fires nothing.
# A configuration must do something: one with no action would swallow its keyword's messages.
NO_ACTION = ("must turn on at least one action: Auto Reply, Forward, Trigger URL, Subscribe or "
             "Unsubscribe")
ORPHAN_NOTE = "Not sent: the configuration's callback profile was deleted"


def normalise_number(raw: str) -> str | None:
    """`raw` as E.164, or None: the one number rule (common/phone_numbers.py), the same as SMS
    send. Carriers often drop the `+` or use `00`."""
    return e164_or_none(raw)


# --- VMNs and sender IDs ------------------------------------------------------------------------

@transaction.atomic
def vmn_provision(*, account: Account, number: str) -> VMN:
    """Assign the number to the account; a number belongs to at most one account."""
    normalised = normalise_number(number)
    if normalised is None:
        raise InvalidInput([Issue("number", "must be an E.164 number such as +919870012345")])
    if VMN.objects.filter(number=normalised).exists():
        raise InvalidInput([Issue("number", f"{normalised} is already assigned to an account")])
    try:
        with transaction.atomic():
            return VMN.objects.create(account=account, number=normalised)
    except IntegrityError as exc:  # a concurrent provision of the same number
        raise InvalidInput([Issue("number", f"{normalised} is already assigned")]) from exc


@transaction.atomic
def sender_id_create(*, account: Account, sender_id: str) -> SenderId:
    value = (sender_id or "").strip().upper()
    if not SENDER_ID_PATTERN.match(value):
        raise InvalidInput([Issue("sender_id", "must be 3 to 11 letters or digits")])
    if SenderId.objects.filter(account=account, sender_id=value).exists():
        raise InvalidInput([Issue("sender_id", f"{value} is already registered")])
    return SenderId.objects.create(account=account, sender_id=value)


# --- Receive configurations ---------------------------------------------------------------------

@dataclass
class ConfigurationInput:
    """A configuration as the customer sets it; `vmn` and `callback_profile` already resolved."""

    vmn: VMN
    keyword: str = ""
    trigger_url: bool = True
    trigger_type: str = TriggerType.CALLBACK_ID
    callback_profile: CallbackProfile | None = None
    active: bool = True
    expires_at: datetime | None = None
    webhook_url: str = ""
    auto_reply: bool = False
    auto_reply_text: str = ""
    auto_reply_delay_minutes: int = 0
    forward: bool = False
    forward_numbers: list[str] = field(default_factory=list)
    forward_emails: list[str] = field(default_factory=list)
    forward_template: str = DEFAULT_FORWARD_TEMPLATE
    subscribe_list: str = ""  # a list name; empty = no Subscribe action
    unsubscribe_list: str = ""
    reply_callback_profile: CallbackProfile | None = None

    @classmethod
    def from_configuration(cls, configuration: ReceiveConfiguration) -> ConfigurationInput:
        return cls(
            vmn=configuration.vmn,
            keyword=configuration.keyword,
            trigger_url=configuration.trigger_url,
            trigger_type=configuration.trigger_type,
            callback_profile=configuration.callback_profile,
            active=configuration.active,
            expires_at=configuration.expires_at,
            webhook_url=configuration.webhook_url,
            auto_reply=configuration.auto_reply,
            auto_reply_text=configuration.auto_reply_text,
            auto_reply_delay_minutes=configuration.auto_reply_delay_minutes,
            forward=configuration.forward,
            forward_numbers=list(configuration.forward_numbers),
            forward_emails=list(configuration.forward_emails),
            forward_template=configuration.forward_template,
            subscribe_list=configuration.subscribe_list.name
            if configuration.subscribe_list else "",
            unsubscribe_list=configuration.unsubscribe_list.name
            if configuration.unsubscribe_list else "",
            reply_callback_profile=configuration.reply_callback_profile,
        )


def validate_configuration(
    *, account: Account, data: ConfigurationInput, existing: ReceiveConfiguration | None
) -> None:
    # Another account's number or profile is reported exactly like one that does not exist.
    if data.vmn.account_id != account.pk:
        raise NotFound(VMN_NOT_FOUND)
    for profile in (data.callback_profile, data.reply_callback_profile):
        if profile is not None and profile.account_id != account.pk:
            raise NotFound(PROFILE_NOT_FOUND)

    issues: list[Issue] = []
    keyword = data.keyword
    if len(keyword) > MAX_KEYWORD:
        issues.append(Issue("keyword", f"must NOT have more than {MAX_KEYWORD} characters"))
    elif any(ch.isspace() for ch in keyword):
        # Matching looks at the first word only, so a keyword with a space could never match.
        issues.append(Issue("keyword", "must be a single word (no spaces)"))
    elif keyword and not keyword.isalnum():
        # "STOP!" would only ever match messages starting with "stop!", never "stop".
        issues.append(Issue("keyword", "must contain only letters and digits"))
    if data.trigger_type not in TriggerType.values:
        issues.append(Issue("trigger_type", f"must be one of: {', '.join(TriggerType.values)}"))
    if data.trigger_type == TriggerType.URL:
        if data.webhook_url:
            issues += webhook_url_issues(data.webhook_url)
        elif data.trigger_url:
            issues.append(Issue("webhook_url", "is required when the trigger type is URL"))
    elif data.trigger_url and data.callback_profile is None:
        issues.append(Issue("callback_profile_id", "is required when Trigger URL is on"))
    if data.callback_profile is not None and data.callback_profile.managed:
        issues.append(Issue("callback_profile_id", "is a webhook URL's own profile; choose "
                                                   "trigger type URL instead"))
    issues += action_issues(data)
    if not _has_action(data):
        issues.append(Issue("", NO_ACTION))
    if data.expires_at is not None:
        changed = existing is None or existing.expires_at != data.expires_at
        if not keyword:
            issues.append(Issue("expires_at", "is only allowed on a keyword configuration"))
        elif changed and data.expires_at <= timezone.now():
            issues.append(Issue("expires_at", "must be in the future"))
    taken = ReceiveConfiguration.objects.filter(vmn=data.vmn, keyword=keyword)
    if existing is not None:
        taken = taken.exclude(pk=existing.pk)
    # Checked with the other rules so a form reports everything in one submit.
    keyword_ok = not any(issue.field == "keyword" for issue in issues)
    if keyword_ok and taken.exists():
        issues.append(_duplicate_issue(data))
    if issues:
        raise InvalidInput(issues)


def _has_action(data: ConfigurationInput) -> bool:
    return any((data.trigger_url, data.auto_reply, data.forward, data.subscribe_list,
                data.unsubscribe_list))


def configuration_check(
    *, account: Account, data: ConfigurationInput, existing: ReceiveConfiguration | None
) -> None:
    """Every rule the save would apply, without saving (forms report all problems at once)."""
    validate_configuration(account=account, data=_clean_input(copy(data)), existing=existing)


def _clean_input(data: ConfigurationInput) -> ConfigurationInput:
    data.keyword = normalise_keyword(data.keyword or "")
    data.webhook_url = (data.webhook_url or "").strip()
    if data.trigger_type != TriggerType.URL:
        data.webhook_url = ""
    data.forward_numbers = [
        _e164_or_raw(n) for n in dict.fromkeys(n.strip() for n in data.forward_numbers) if n
    ]
    data.forward_emails = list(dict.fromkeys(e.strip() for e in data.forward_emails if e.strip()))
    data.forward_template = data.forward_template or DEFAULT_FORWARD_TEMPLATE
    data.subscribe_list = (data.subscribe_list or "").strip()
    data.unsubscribe_list = (data.unsubscribe_list or "").strip()
    return data


def _e164_or_raw(number: str) -> str:
    try:
        return parse_recipient(number).e164
    except InvalidNumber:
        return number  # reported by the validation


def _duplicate_issue(data: ConfigurationInput) -> Issue:
    if data.keyword:
        return Issue("keyword", f"{data.keyword} already has a configuration on {data.vmn.number}")
    return Issue("keyword", f"{data.vmn.number} already has a default configuration (no keyword)")


SAVED_FIELDS = (
    "vmn", "keyword", "trigger_url", "trigger_type", "callback_profile", "active", "expires_at",
    "webhook_url", "auto_reply", "auto_reply_text", "auto_reply_delay_minutes", "forward",
    "forward_numbers", "forward_emails", "forward_template", "reply_callback_profile",
)


def _save(configuration: ReceiveConfiguration, data: ConfigurationInput) -> ReceiveConfiguration:
    for name in SAVED_FIELDS:
        setattr(configuration, name, getattr(data, name))
    account = configuration.account
    for name in ("subscribe_list", "unsubscribe_list"):
        value = getattr(data, name)
        setattr(configuration, name,
                subscriber_list_get_or_create(account=account, name=value) if value else None)
    try:
        with transaction.atomic():
            configuration.save()
    except IntegrityError as exc:  # a concurrent save took the same keyword
        raise InvalidInput([_duplicate_issue(data)]) from exc
    sync_webhook_profile(configuration)
    return configuration


@transaction.atomic
def configuration_create(*, account: Account, data: ConfigurationInput) -> ReceiveConfiguration:
    data = _clean_input(data)
    validate_configuration(account=account, data=data, existing=None)
    return _save(ReceiveConfiguration(account=account), data)


@transaction.atomic
def configuration_update(
    *, configuration: ReceiveConfiguration, data: ConfigurationInput
) -> ReceiveConfiguration:
    data = _clean_input(data)
    validate_configuration(account=configuration.account, data=data, existing=configuration)
    return _save(configuration, data)


@transaction.atomic
def configuration_delete(*, configuration: ReceiveConfiguration) -> None:
    managed = configuration.webhook_profile
    configuration.delete()
    if managed is not None:
        profile_delete(profile=managed)


# --- Incoming SMS -------------------------------------------------------------------------------

def _run_actions(
    *, incoming: IncomingMessage, configuration: ReceiveConfiguration | None
) -> list[dict]:
    """The standard keywords (STOP, START, HELP: with or without a configuration) and then the
    configuration's own actions; a keyword configuration's Auto Reply replaces the standard
    answer."""
    kind = opt_outs.keyword_kind(first_word(incoming.message))
    results = actions.record_keyword(incoming=incoming, kind=kind)
    if configuration is not None:
        results += actions.run_configuration_actions(
            incoming=incoming, configuration=configuration, kind=kind
        )
    answered = configuration is not None and configuration.keyword and configuration.auto_reply
    if kind is not None and not answered:
        results.append(actions.keyword_reply(incoming=incoming, configuration=configuration,
                                             kind=kind))
    return results


def _incoming_issues(*, source: str, message: str, operator: str, circle: str,
                     carrier_message_id: str) -> list[Issue]:
    issues: list[Issue] = []
    if not source:
        issues.append(Issue("from", "must NOT be empty"))
    elif len(source) > MAX_SOURCE or normalise_number(source) is None:
        issues.append(Issue("from", "must be a valid international phone number"))
    if len(message) > MAX_MESSAGE:
        issues.append(Issue("message", f"must NOT have more than {MAX_MESSAGE} characters"))
    for name, value in (("operator", operator), ("circle", circle)):
        if len(value) > MAX_OPERATOR:
            issues.append(Issue(name, f"must NOT have more than {MAX_OPERATOR} characters"))
    if len(carrier_message_id) > MAX_CARRIER_ID:
        issues.append(Issue("message_id", f"must NOT have more than {MAX_CARRIER_ID} characters"))
    for name, value in (("message", message), ("operator", operator), ("circle", circle),
                        ("message_id", carrier_message_id)):
        # PostgreSQL cannot store NUL in text; refused on every database alike.
        if "\x00" in value:
            issues.append(Issue(name, "must NOT contain NUL (\\u0000) characters"))
    return issues


def _replay_of(*, vmn: VMN, source: str, message: str, carrier_message_id: str,
               now: datetime) -> IncomingMessage | None:
    """The message this one repeats, if the carrier is replaying a post.

    With the carrier's own message id that id decides; without one, the same sender and text on
    the same number within INBOUND_DEDUP_WINDOW_SECONDS is taken as a replay."""
    earlier = IncomingMessage.objects.filter(vmn=vmn)
    if carrier_message_id:
        return earlier.filter(carrier_message_id=carrier_message_id).first()
    window = timedelta(seconds=settings.INBOUND_DEDUP_WINDOW_SECONDS)
    return (
        earlier.filter(source=source, message=message, carrier_message_id="",
                       received_at__gte=now - window)
        .order_by("-received_at").first()
    )


@transaction.atomic
def incoming_sms_receive(
    *, to: str, source: str, message: str, operator: str = "", circle: str = "",
    carrier_message_id: str = "", deduplicate: bool = False,
) -> IncomingMessage:
    """Log an SMS received on VMN `to` and fire its configuration's callback.

    The log row and the Delivery are written in one transaction, so a callback is never lost
    between "it arrived" and "we queued the send" (the send itself starts on commit).
    With `deduplicate` (the carrier endpoint), a replayed post returns the message it repeats,
    marked `.duplicate = True`, and stores and fires nothing.
    Raises InvalidInput for malformed input and NotFound for a number no account owns.
    """
    source, message = (source or "").strip(), (message or "").strip()
    operator, circle = (operator or "").strip(), (circle or "").strip()
    carrier_message_id = (carrier_message_id or "").strip()
    number = normalise_number(to)
    issues = [] if number else [Issue("to", "must be an E.164 number such as +919870012345")]
    issues += _incoming_issues(source=source, message=message, operator=operator, circle=circle,
                               carrier_message_id=carrier_message_id)
    if issues:
        raise InvalidInput(issues)
    source = normalise_number(source) or source
    # Locking the number serialises concurrent posts to it, so two replays racing each other
    # cannot both pass the duplicate check.
    vmn = VMN.objects.select_for_update().select_related("account").filter(number=number).first()
    if vmn is None:
        raise NotFound(VMN_NOT_FOUND)

    now = timezone.now()
    if deduplicate or carrier_message_id:
        original = _replay_of(vmn=vmn, source=source, message=message,
                              carrier_message_id=carrier_message_id, now=now)
        if original is not None:
            original.duplicate = True
            return original

    configuration = match_configuration(vmn=vmn, message=message, now=now)
    incoming = IncomingMessage(
        account=vmn.account, vmn=vmn, source=source, recipient=vmn.number, message=message,
        keyword=configuration.keyword if configuration else "", operator=operator, circle=circle,
        received_at=now, configuration=configuration, matched=configuration is not None,
        carrier_message_id=carrier_message_id,
    )
    incoming.duplicate = False
    profile = configuration.trigger_profile if configuration else None
    if configuration is None:
        incoming.note = "No configuration matched"
    elif not configuration.trigger_url:
        incoming.note = "Trigger URL is off"
    elif profile is None:
        incoming.note = ORPHAN_NOTE
    incoming.save()
    incoming.actions = _run_actions(incoming=incoming, configuration=configuration)
    if configuration is not None and configuration.trigger_url and profile is not None:
        incoming.callback_delivery = delivery_create(
            profile=profile,
            event=INCOMING_EVENT,
            variables=callback_variables(incoming=incoming, http_method=profile.http_method),
            source_type=INCOMING_SOURCE_TYPE,
            source_id=str(incoming.public_id),
        )
    if incoming.actions or incoming.callback_delivery_id:  # one UPDATE for both
        incoming.save(update_fields=["actions", "callback_delivery"])
    metrics.RECEIVED.labels(matched="true" if incoming.matched else "false").inc()
    return incoming
