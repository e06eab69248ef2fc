"""What every Receive Message action declares, and the SMS it may send from the VMN.

An action is one module: a `Settings` dataclass (what the customer sets), its rules (`issues`),
what it does with a matched message (`run`), and its fragments of the page form (`form_fields`:
a switch named after the action's type plus a field `<type>_<setting>` per setting) and of the
API (`serializer_field`, under `api_field`). Problems are reported on API paths
(`auto_reply/text`); the form shows each next to its field (`auto_reply_text`) by replacing `/`
with `_`.

Every SMS goes through `sms.services.message_send` from the receiving VMN, so replies and
forwards are priced, appear in SMS logs and fire delivery reports like any message. An action
that cannot run (an opted-out forward number, a refused text) never stops the others or the
receipt itself: each one leaves an outcome {"action", "ok", "detail"} on the incoming message.
"""

from __future__ import annotations

import builtins
from dataclasses import MISSING, asdict, dataclass, fields
from typing import TYPE_CHECKING, Any, ClassVar

from django import forms
from django.db import transaction
from rest_framework import serializers

from common.errors import InvalidInput, Issue
from sms import opt_outs
from sms.services import MAX_BODY_CHARS, message_send

if TYPE_CHECKING:
    from accounts.models import Account

    from ..models import IncomingMessage, ReceiveConfiguration
    from ..services import ConfigurationInput


def outcome(action: str, ok: bool, detail: str) -> dict:
    return {"action": action, "ok": ok, "detail": detail}


def incoming_word(incoming: IncomingMessage) -> str:
    words = incoming.message.split()
    return words[0].upper() if words else ""


@dataclass(frozen=True)
class RunContext:
    """A matched message as the actions see it; `keyword_kind` is its opt-out kind (STOP…)."""

    incoming: IncomingMessage
    configuration: ReceiveConfiguration
    keyword_kind: str | None

    @property
    def sender(self) -> str:
        """The sender in E.164, as SMS sends store numbers."""
        return opt_outs.normalise(self.incoming.source)


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


def switch(label: str) -> forms.BooleanField:
    return forms.BooleanField(label=label, required=False,
                              widget=forms.CheckboxInput(attrs={"role": "switch"}))


class Action:
    """One Receive Message action (see the module docstring). Subclasses set the class
    attributes and `Settings`, and implement `run`, `setting_fields` and `serializer_field`."""

    type: ClassVar[str]  # stored with the settings, and the name of the form's switch
    label: ClassVar[str]
    Settings: ClassVar[builtins.type[Any]]  # a dataclass with a default for every field
    # An action whose SMS answers the sender replaces a STOP or HELP keyword's standard answer.
    answers_sender: ClassVar[bool] = False
    template: ClassVar[str] = "receive_sms/actions/_action.html"

    # --- settings and rules ---------------------------------------------------------------

    def load(self, stored: dict) -> Any:
        names = {f.name for f in fields(self.Settings)}
        return self.Settings(**{k: v for k, v in stored.items() if k in names})

    def dump(self, settings: Any) -> dict:
        return {"type": self.type, **asdict(settings)}

    def clean(self, settings: Any) -> Any:
        """Normalised settings (trimmed, de-duplicated); rules are checked after this."""
        return settings

    def issues(self, settings: Any, data: ConfigurationInput) -> list[Issue]:
        return []

    def prepare(self, settings: Any, account: Account) -> Any:
        """The settings as saved (e.g. a subscriber list created on first use)."""
        return settings

    def run(self, settings: Any, context: RunContext) -> list[dict]:
        raise NotImplementedError

    def summary(self, settings: Any) -> str:
        """How the configuration list names it."""
        return self.label

    # --- API fragment ---------------------------------------------------------------------

    @property
    def api_field(self) -> str:
        """The key of the action in API requests and answers."""
        return self.type

    def serializer_field(self) -> serializers.Field:
        """The request field; null (or absent on create) means the action is off."""
        raise NotImplementedError

    def from_api(self, value: Any) -> Any | None:
        return None if value is None else self.Settings(**value)

    def to_api(self, settings: Any | None) -> Any:
        return None if settings is None else asdict(settings)

    # --- form fragment --------------------------------------------------------------------

    def setting_fields(self) -> dict[str, forms.Field]:
        """Form fields by setting name (the form names them `<type>_<setting>`)."""
        raise NotImplementedError

    def form_fields(self) -> dict[str, forms.Field]:
        """The switch and the setting fields, all optional: a setting field declared required
        is required only while the switch is on (`required_fields`, checked by the form)."""
        result: dict[str, forms.Field] = {self.type: switch(self.label)}
        for name, field in self.setting_fields().items():
            field.required = False
            result[f"{self.type}_{name}"] = field
        return result

    def required_fields(self) -> list[str]:
        return [f"{self.type}_{name}" for name, field in self.setting_fields().items()
                if field.required]

    def from_form(self, cleaned: dict) -> Any | None:
        """The settings from a form's cleaned data, or None when the switch is off. A field
        with a type error (absent from `cleaned`) takes its default; its error is shown."""
        if not cleaned.get(self.type):
            return None
        values = {}
        for item in fields(self.Settings):
            value = cleaned.get(f"{self.type}_{item.name}")
            if value is None and item.default is not MISSING:
                value = item.default
            elif value is None and item.default_factory is not MISSING:
                value = item.default_factory()
            values[item.name] = value
        return self.Settings(**values)

    def form_initial(self, settings: Any | None) -> dict:
        if settings is None:
            return {self.type: False}
        return {self.type: True, **{f"{self.type}_{name}": value
                                    for name, value in asdict(settings).items()}}
