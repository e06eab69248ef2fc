"""Forms of the Channels → SMS → Manage pages. They check types; the services hold the rules."""

from __future__ import annotations

from typing import TypeVar, cast

from django import forms

from accounts.models import Account
from common.errors import InvalidInput, sentence
from profiles import catalog
from profiles.models import CallbackProfile, Channel, ProfileStatus
from profiles.placeholders import INCOMING_EVENT, profile_placeholders, unknown_placeholders
from sms.services import SMS_SENT_EVENT

from . import actions
from .models import VMN, ReceiveConfiguration, SubscriberList, TriggerType
from .services import (
    MAX_KEYWORD,
    MAX_MESSAGE,
    SAVED_FIELDS,
    ConfigurationInput,
    configuration_check,
    normalise_number,
)

# The catalog's example subscriber: never one of the account's own numbers.
SAMPLE_SENDER = "+918240123456"

# Service issue field → form field where the names differ, so a rule broken in the service
# shows next to its input; an action's `auto_reply/text` is the form's `auto_reply_text`.
SERVICE_FIELDS = {
    "number": "vmn",
    "callback_profile_id": "callback_profile",
    "reply_callback_profile_id": "reply_callback_profile",
    "from": "source",
}


def add_service_errors(form: forms.BaseForm, exc: InvalidInput) -> None:
    cleaned = getattr(form, "cleaned_data", {})
    for issue in exc.issues:
        field = SERVICE_FIELDS.get(issue.field, issue.field.replace("/", "_"))
        if field == "keyword" and "vmn" in form.fields and not cleaned.get("keyword"):
            field = "vmn"  # "the number already has a default configuration" is about the number
        if field in form.errors:
            continue  # the field's own (type) error already says what is wrong
        if field not in form.fields:
            form.add_error(None, sentence(issue.field.capitalize(), issue.message))
        else:
            form.add_error(field, sentence(str(form.fields[field].label or ""), issue.message))


def choice_of(form: forms.BaseForm, name: str) -> forms.ModelChoiceField:
    """The form's model choice field `name` (its queryset is the account's)."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    return field


class VmnChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: VMN) -> str:
        return obj.number


class ProfileChoiceField(forms.ModelChoiceField):
    """Titles may repeat, so the id is shown; profiles that would send empty values for the
    event they are picked for (an incoming SMS, or the delivery report of a reply), and ones
    that send nothing, say so in the picker itself."""

    def __init__(self, *args, event: str = INCOMING_EVENT, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event

    def label_from_instance(self, obj: CallbackProfile) -> str:
        label = f"{obj.title} ({obj.profile_id})"
        misfits = unknown_placeholders(profile_placeholders(obj), self.event)
        if misfits:
            names = ", ".join(f"<{name}>" for name in misfits)
            event = catalog.event_label(self.event).split(" (")[0]  # "Incoming SMS", "SMS Send"
            label += f" ⚠ not {event} variables: {names}"
        if obj.status != ProfileStatus.ACTIVE:
            label += f" ({obj.get_status_display()}: sends nothing)"
        return label


class ConfigurationFields(forms.BaseForm):
    """What the page form and the admin form share: the actions' form fragments (added to the
    class by `with_action_fields`) and the one translation of their cleaned data into a
    ConfigurationInput, checked by the services' rules so one submit reports every problem."""

    def action_groups(self) -> list[dict]:
        """Each action's switch and setting fields, for its template fragment."""
        return [{"action": action, "switch": self[action.type],
                 "fields": [self[name] for name in action.form_fields() if name != action.type]}
                for action in actions.REGISTRY]

    @staticmethod
    def initial_from(configuration: ReceiveConfiguration) -> dict:
        """The form's values for a saved configuration."""
        initial = {name: getattr(configuration, name) for name in SAVED_FIELDS}
        chosen = actions.settings_of(configuration)
        for action in actions.REGISTRY:
            initial |= action.form_initial(chosen.get(action.type))
        return initial

    def configuration_input(self) -> ConfigurationInput:
        # Fields with a type error are missing from cleaned_data: their defaults stand in.
        cleaned = self.cleaned_data
        base = {name: cleaned[name] for name in SAVED_FIELDS if cleaned.get(name) is not None}
        chosen = {action.type: action.from_form(cleaned) for action in actions.REGISTRY}
        return ConfigurationInput(**base, actions={k: v for k, v in chosen.items() if v})

    def check_configuration(self, *, account: Account,
                            existing: ReceiveConfiguration | None) -> None:
        cleaned = self.cleaned_data
        if "vmn" not in cleaned:
            return  # the number's own error says what to fix first
        for action in actions.REGISTRY:
            if not cleaned.get(action.type):
                continue
            for name in action.required_fields():
                if not cleaned.get(name):
                    self.add_error(name, self.fields[name].error_messages["required"])
        try:
            configuration_check(account=account, data=self.configuration_input(),
                                existing=existing)
        except InvalidInput as exc:
            add_service_errors(self, exc)


FormClass = TypeVar("FormClass", bound=type[forms.BaseForm])


def with_action_fields(form_class: FormClass) -> FormClass:
    """`form_class` with every action's form fragment declared on it (the admin lists declared
    fields only)."""
    declared: dict[str, forms.Field] = {}
    for action in actions.REGISTRY:
        declared |= action.form_fields()
    return cast(FormClass, type(form_class.__name__, (form_class,),
                                {"__module__": form_class.__module__, **declared}))


class _ConfigurationForm(ConfigurationFields, forms.Form):
    vmn = VmnChoiceField(label="Number", queryset=VMN.objects.none(), empty_label=None)
    keyword = forms.CharField(
        label="Keyword", required=False, max_length=MAX_KEYWORD,
        help_text="One word, up to 30 characters. Leave empty for the number's default "
                  "configuration, which takes every message no keyword matches.",
    )
    trigger_url = forms.BooleanField(label="Trigger URL", required=False, initial=True)
    trigger_type = forms.ChoiceField(label="Trigger Type", choices=TriggerType.choices,
                                     initial=TriggerType.CALLBACK_ID)
    callback_profile = ProfileChoiceField(
        label="Callback Profile", queryset=CallbackProfile.objects.none(), required=False,
        empty_label="Select a callback profile",
    )
    webhook_url = forms.CharField(
        label="Webhook URL", required=False, max_length=2048,
        widget=forms.URLInput(attrs={"placeholder": "https://example.com/incoming-sms",
                                     "spellcheck": "false"}),
        help_text="Gets a signed POST with every incoming-SMS variable, retried like any "
                  "callback.",
    )
    reply_callback_profile = ProfileChoiceField(
        label="Delivery report profile", queryset=CallbackProfile.objects.none(),
        required=False, empty_label="No delivery reports", event=SMS_SENT_EVENT,
        help_text="An SMS-channel profile that gets the delivery reports of the replies and "
                  "forwarded SMS.",
    )
    active = forms.BooleanField(label="Active", required=False, initial=True)
    expires_at = forms.DateTimeField(
        label="Expires at", required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="Optional, keyword configurations only (your display time zone, see Account "
                  "settings). After it, the keyword's "
                  "messages go to the default configuration.",
    )

    def __init__(self, *args, account: Account,
                 configuration: ReceiveConfiguration | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.account, self.configuration = account, configuration
        choice_of(self, "vmn").queryset = VMN.objects.filter(account=account)
        choice_of(self, "callback_profile").queryset = CallbackProfile.objects.filter(
            account=account, managed=False
        )
        choice_of(self, "reply_callback_profile").queryset = CallbackProfile.objects.filter(
            account=account, channel=Channel.SMS
        )
        self.list_names = list(
            SubscriberList.objects.filter(account=account).values_list("name", flat=True)
        )

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        self.check_configuration(account=self.account, existing=self.configuration)
        return cleaned


ConfigurationForm = with_action_fields(_ConfigurationForm)


class SimulateIncomingForm(forms.Form):
    to = VmnChoiceField(label="To (your number)", queryset=VMN.objects.none(), empty_label=None,
                        to_field_name="number")
    source = forms.CharField(
        label="From", max_length=32, initial=SAMPLE_SENDER,
        help_text="The subscriber's phone number, in E.164 format (+91…).",
    )
    message = forms.CharField(label="Message", max_length=MAX_MESSAGE,
                              widget=forms.Textarea(attrs={"rows": 2}))
    operator = forms.CharField(label="Operator", max_length=60, required=False)
    circle = forms.CharField(label="Circle", max_length=60, required=False)

    def __init__(self, *args, account: Account, **kwargs):
        super().__init__(*args, **kwargs)
        choice_of(self, "to").queryset = VMN.objects.filter(account=account)

    def clean_source(self) -> str:
        number = normalise_number(self.cleaned_data["source"])
        if number is None:
            raise forms.ValidationError("Enter a phone number in E.164 format, e.g. +918240123456.")
        return number

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        to, source = cleaned.get("to"), cleaned.get("source")
        if to is not None and source == to.number:
            self.add_error("source", "Enter the subscriber's number, not your own number.")
        return cleaned


class SenderIdForm(forms.Form):
    sender_id = forms.CharField(label="Sender ID", max_length=11,
                                help_text="3 to 11 letters or digits, e.g. KLRHXA.")
