"""Writes for Receive SMS. Pages, the API, the admin, the commands and the carrier endpoint all
call these, so an incoming SMS takes exactly one code path whatever brought it in."""

from __future__ import annotations

import re
from copy import copy
from dataclasses import MISSING, dataclass, field, fields
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Account
from common.errors import InvalidInput, Issue, NotFound
from common.phone_numbers import e164_or_none
from delivery.services import delivery_create
from profiles.models import CallbackProfile, Channel
from profiles.selectors import PROFILE_NOT_FOUND
from profiles.services import profile_delete
from sms import opt_outs

from . import actions, metrics, opt_out_keywords
from .matching import callback_variables, first_word, match_configuration, normalise_keyword
from .models import VMN, IncomingMessage, ReceiveConfiguration, SenderId, TriggerType
from .selectors import VMN_NOT_FOUND
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
NO_ACTION = f"must turn on at least one action: {actions.labels()}"
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
    """A configuration as the customer sets it, whatever the entry point (page form, admin form,
    API); `vmn` and the profiles already resolved. `actions` maps each action that is on to its
    settings (receive_sms/actions/); Trigger URL is the configuration's own fields."""

    vmn: VMN
    keyword: str = ""
    trigger_url: bool = True
    trigger_type: str = TriggerType.CALLBACK_ID
    callback_profile: CallbackProfile | None = None
    webhook_url: str = ""
    reply_callback_profile: CallbackProfile | None = None
    active: bool = True
    expires_at: datetime | None = None
    actions: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_configuration(cls, configuration: ReceiveConfiguration) -> ConfigurationInput:
        return cls(**{name: getattr(configuration, name) for name in SAVED_FIELDS},
                   actions=actions.settings_of(configuration))


# The model fields a ConfigurationInput sets as they are (the actions are stored as a list).
SAVED_FIELDS = tuple(f.name for f in fields(ConfigurationInput) if f.name != "actions")
# What null stands for in a request ("keyword": null is the default configuration).
INPUT_DEFAULTS = {f.name: f.default for f in fields(ConfigurationInput) if f.default is not MISSING}


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
    for kind, chosen in data.actions.items():
        issues += actions.BY_TYPE[kind].issues(chosen, data)
    profile = data.reply_callback_profile
    if profile is not None and profile.channel != Channel.SMS:
        issues.append(Issue("reply_callback_profile_id", "must be a profile of the SMS channel "
                                                         "(it receives delivery reports)"))
    if not data.trigger_url and not data.actions:
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
    data.actions = {kind: actions.BY_TYPE[kind].clean(chosen)
                    for kind, chosen in data.actions.items()}
    return data


def _duplicate_issue(data: ConfigurationInput) -> Issue:
    if data.keyword:
        return Issue("keyword", f"{data.keyword} already has a configuration on {data.vmn.number}")
    return Issue("keyword", f"{data.vmn.number} already has a default configuration (no keyword)")


def _save(configuration: ReceiveConfiguration, data: ConfigurationInput) -> ReceiveConfiguration:
    for name in SAVED_FIELDS:
        setattr(configuration, name, getattr(data, name))
    account = configuration.account
    configuration.actions = actions.to_stored({
        kind: actions.BY_TYPE[kind].prepare(chosen, account)
        for kind, chosen in data.actions.items()
    })
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
    configuration's own actions; a keyword configuration's answer to the sender (Auto Reply)
    replaces the standard one."""
    kind = opt_outs.keyword_kind(first_word(incoming.message))
    results = opt_out_keywords.record_keyword(incoming=incoming, kind=kind)
    answered = False
    if configuration is not None:
        results += actions.run_all(actions.RunContext(incoming=incoming,
                                                      configuration=configuration,
                                                      keyword_kind=kind))
        answered = bool(configuration.keyword) and actions.answers_sender(configuration)
    if kind is not None and not answered:
        results.append(opt_out_keywords.keyword_reply(incoming=incoming,
                                                      configuration=configuration, kind=kind))
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


@dataclass(frozen=True)
class Received:
    """What a carrier's post did: `incoming` was logged now, or, when `duplicate`, it is the
    message the post replays (nothing was stored or fired again)."""

    incoming: IncomingMessage
    duplicate: bool


def incoming_sms_receive(
    *, to: str, source: str, message: str, operator: str = "", circle: str = "",
    carrier_message_id: str = "",
) -> IncomingMessage:
    """Log an SMS received on VMN `to` and fire its configuration's callback.

    The log row and the Delivery are written in one transaction, so a callback is never lost
    between "it arrived" and "we queued the send" (the send itself starts on commit). A message
    with the `carrier_message_id` of one already logged returns that one, and fires nothing.
    Raises InvalidInput for malformed input and NotFound for a number no account owns.
    """
    return _receive(to=to, source=source, message=message, operator=operator, circle=circle,
                    carrier_message_id=carrier_message_id, deduplicate=False).incoming


def carrier_sms_receive(
    *, to: str, source: str, message: str, operator: str = "", circle: str = "",
    carrier_message_id: str = "",
) -> Received:
    """`incoming_sms_receive` for the carrier endpoint, which may replay a post: without a
    carrier message id, the same sender and text within INBOUND_DEDUP_WINDOW_SECONDS is one."""
    return _receive(to=to, source=source, message=message, operator=operator, circle=circle,
                    carrier_message_id=carrier_message_id, deduplicate=True)


@transaction.atomic
def _receive(
    *, to: str, source: str, message: str, operator: str, circle: str,
    carrier_message_id: str, deduplicate: bool,
) -> Received:
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
            return Received(incoming=original, duplicate=True)

    configuration = match_configuration(vmn=vmn, message=message, now=now)
    incoming = IncomingMessage(
        account=vmn.account, vmn=vmn, source=source, recipient=vmn.number, message=message,
        keyword=configuration.keyword if configuration else "", operator=operator, circle=circle,
        received_at=now, configuration=configuration, matched=configuration is not None,
        carrier_message_id=carrier_message_id,
    )
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
    return Received(incoming=incoming, duplicate=False)
