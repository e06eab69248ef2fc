"""Auto Reply: a text with the incoming variables, sent back to the sender from the VMN, at once
or `delay_minutes` later (a django-tasks task with `run_after`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from django import forms
from django.db import transaction
from django.utils import timezone
from rest_framework import serializers

from api.fields import InputSerializer, schema_worded
from common.errors import Issue
from delivery.render import fill_text_template
from sms import opt_outs
from sms.services import MAX_BODY_CHARS

from ..matching import callback_variables
from ..models import IncomingMessage
from .base import Action, RunContext, outcome, send_sms

SOURCE = "Auto Reply"
MAX_DELAY_MINUTES = 7 * 24 * 60


@dataclass
class AutoReplySettings:
    text: str = ""
    delay_minutes: int = 0


class AutoReplySerializer(InputSerializer):
    text = serializers.CharField(allow_blank=True, trim_whitespace=False,
                                 help_text="The reply, with the incoming <variables>.")
    delay_minutes = serializers.IntegerField(required=False, default=0,
                                             help_text="0 = immediately; at most 10080.")

    class Meta:
        ref_name = "ConfigurationAutoReply"


class AutoReply(Action):
    type = "auto_reply"
    label = "Auto Reply"
    Settings = AutoReplySettings
    answers_sender = True

    def issues(self, settings: AutoReplySettings, data) -> list[Issue]:
        issues = []
        if not settings.text.strip():
            issues.append(Issue("auto_reply/text", "must NOT be empty"))
        elif len(settings.text) > MAX_BODY_CHARS:
            issues.append(Issue("auto_reply/text",
                                f"must NOT have more than {MAX_BODY_CHARS} characters"))
        if not 0 <= settings.delay_minutes <= MAX_DELAY_MINUTES:
            issues.append(Issue("auto_reply/delay_minutes",
                                f"must be between 0 and {MAX_DELAY_MINUTES} (7 days)"))
        return issues

    def summary(self, settings: AutoReplySettings) -> str:
        delay = settings.delay_minutes
        return f"Auto Reply (after {delay} min)" if delay else "Auto Reply"

    def run(self, settings: AutoReplySettings, context: RunContext) -> list[dict]:
        incoming, configuration = context.incoming, context.configuration
        values = callback_variables(incoming=incoming, http_method="POST")
        text = fill_text_template(settings.text, values)
        # The Auto Reply of a STOP (or HELP) keyword configuration is that keyword's answer, so
        # it reaches the number that just opted out; a default configuration's reply does not.
        exempt = bool(configuration.keyword) and context.keyword_kind in (opt_outs.OPT_OUT,
                                                                          opt_outs.HELP)
        delay = settings.delay_minutes
        if not delay:
            return [send_sms(incoming=incoming, configuration=configuration,
                             to=[incoming.source], text=text, source=SOURCE,
                             action=self.type, exempt=exempt)]
        run_after = timezone.now() + timedelta(minutes=delay)
        transaction.on_commit(partial(_schedule, incoming.pk, text, exempt, run_after))
        return [outcome(self.type, True,
                        f"scheduled for {run_after:%Y-%m-%d %H:%M} UTC ({delay} min)")]

    def serializer_field(self) -> serializers.Field:
        return schema_worded(AutoReplySerializer(required=False, allow_null=True))

    def setting_fields(self) -> dict[str, forms.Field]:
        return {
            "text": forms.CharField(
                label="Reply text", required=False, max_length=MAX_BODY_CHARS,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text="Sent back to the sender from this number. Variables as in "
                          "callbacks: <source>, <keyword>, <parts[2]>…",
            ),
            "delay_minutes": forms.IntegerField(
                label="Send after (minutes)", required=False, min_value=0,
                max_value=MAX_DELAY_MINUTES, initial=0, help_text="0 sends it immediately.",
            ),
        }


def _schedule(incoming_pk: int, text: str, exempt: bool, run_after) -> None:
    from ..tasks import send_delayed_auto_reply

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
                          to=[incoming.source], text=text, source=SOURCE,
                          action=AutoReply.type, exempt=exempt)
        incoming.actions = [*incoming.actions, result]
        incoming.save(update_fields=["actions"])
    return result
