"""Forward: the message as SMS to E.164 numbers and/or as email to addresses (Django's email
backend, `DEFAULT_FROM_EMAIL`), worded by an editable template."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import partial

from django import forms
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from rest_framework import serializers

from api.fields import InputSerializer, StringListField, schema_worded
from common.errors import Issue
from delivery.render import fill_text_template
from sms.recipients import InvalidNumber, parse_recipient

from ..matching import callback_variables
from .base import Action, RunContext, outcome, send_sms

logger = logging.getLogger(__name__)

SOURCE = "Forward"
DEFAULT_TEMPLATE = "<source>: <message>"
MAX_TEMPLATE = 1000
MAX_TARGETS = 10


@dataclass
class ForwardSettings:
    numbers: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    template: str = DEFAULT_TEMPLATE


class ForwardSerializer(InputSerializer):
    numbers = StringListField(child=serializers.CharField(max_length=32), allow_null=False,
                              default=list, help_text="E.164 numbers that get the SMS.")
    emails = StringListField(child=serializers.CharField(max_length=254), allow_null=False,
                             default=list, help_text="Addresses that get an email.")
    template = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False,
                                     help_text=f"Default: {DEFAULT_TEMPLATE}")

    class Meta:
        ref_name = "ConfigurationForward"


class CommaListField(forms.CharField):
    """Comma- or newline-separated entries -> a list of strings (rules are the action's)."""

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list | tuple) else value

    def to_python(self, value) -> list[str]:  # type: ignore[override]  # text in, a list out
        text = super().to_python(value) or ""
        return [part.strip() for part in text.replace("\n", ",").split(",") if part.strip()]


def _e164_or_raw(number: str) -> str:
    try:
        return parse_recipient(number).e164
    except InvalidNumber:
        return number  # reported by the rules


class Forward(Action):
    type = "forward"
    label = "Forward"
    Settings = ForwardSettings

    def clean(self, settings: ForwardSettings) -> ForwardSettings:
        return ForwardSettings(
            numbers=[_e164_or_raw(n) for n in dict.fromkeys(n.strip() for n in settings.numbers)
                     if n],
            emails=list(dict.fromkeys(e.strip() for e in settings.emails if e.strip())),
            template=settings.template or DEFAULT_TEMPLATE,
        )

    def issues(self, settings: ForwardSettings, data) -> list[Issue]:
        issues: list[Issue] = []
        if not settings.numbers and not settings.emails:
            issues.append(Issue("forward", "needs at least one number or email address"))
        for name, values in (("forward/numbers", settings.numbers),
                             ("forward/emails", settings.emails)):
            if len(values) > MAX_TARGETS:
                issues.append(Issue(name, f"must NOT have more than {MAX_TARGETS} entries"))
        for number in settings.numbers:
            try:
                parse_recipient(number)
            except InvalidNumber as exc:
                issues.append(Issue("forward/numbers", f"must be E.164 numbers: {exc}"))
        for email in settings.emails:
            try:
                validate_email(email)
            except ValidationError:
                issues.append(Issue("forward/emails", f"'{email}' is not a valid email address"))
        if not settings.template.strip():
            issues.append(Issue("forward/template", "must NOT be empty"))
        elif len(settings.template) > MAX_TEMPLATE:
            issues.append(Issue("forward/template",
                                f"must NOT have more than {MAX_TEMPLATE} characters"))
        return issues

    def run(self, settings: ForwardSettings, context: RunContext) -> list[dict]:
        incoming = context.incoming
        values = callback_variables(incoming=incoming, http_method="POST")
        text = fill_text_template(settings.template, values)
        results = []
        if settings.numbers:
            results.append(send_sms(incoming=incoming, configuration=context.configuration,
                                    to=list(settings.numbers), text=text, source=SOURCE,
                                    action="forward_sms"))
        if settings.emails:
            emails = list(settings.emails)
            subject = f"SMS from {incoming.source} to {incoming.recipient}"
            transaction.on_commit(partial(_send_email, subject, text, emails))
            results.append(outcome("forward_email", True, f"email to {', '.join(emails)}"))
        return results

    def serializer_field(self) -> serializers.Field:
        return schema_worded(ForwardSerializer(required=False, allow_null=True))

    def setting_fields(self) -> dict[str, forms.Field]:
        return {
            "numbers": CommaListField(label="Forward SMS to", required=False, max_length=1000,
                                      help_text="E.164 numbers, comma-separated."),
            "emails": CommaListField(label="Forward email to", required=False, max_length=2000,
                                     help_text="Email addresses, comma-separated."),
            "template": forms.CharField(label="Forward text", required=False,
                                        max_length=MAX_TEMPLATE, initial=DEFAULT_TEMPLATE),
        }


def _send_email(subject: str, text: str, emails: list[str]) -> None:
    # After commit: a receipt that rolls back sends no email. A mail server failure is logged;
    # it must not turn the carrier's request into an error.
    try:
        send_mail(subject, text, django_settings.DEFAULT_FROM_EMAIL, emails)
    except Exception:  # noqa: BLE001 - any SMTP/socket failure
        logger.exception("Forward email to %s failed", emails)
