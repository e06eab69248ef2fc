"""Forms of the Channels → SMS → Manage pages. They check types; the services hold the rules."""

from __future__ import annotations

from django import forms

from accounts.models import Account
from common.errors import InvalidInput
from profiles.models import CallbackProfile, ProfileStatus
from profiles.placeholders import profile_misfits_for_incoming

from .models import VMN, TriggerType
from .services import MAX_KEYWORD, MAX_MESSAGE, ConfigurationInput, normalise_number

# The catalog's example subscriber: never one of the account's own numbers.
SAMPLE_SENDER = "+918240123456"

# Service issue field → form field, so a rule broken in the service shows next to its input.
SERVICE_FIELDS = {
    "number": "vmn",
    "callback_profile_id": "callback_profile",
    "to": "to",
    "from": "source",
}


def add_service_errors(form: forms.Form, exc: InvalidInput) -> None:
    cleaned = getattr(form, "cleaned_data", {})
    for issue in exc.issues:
        field = SERVICE_FIELDS.get(issue.field, issue.field)
        if field == "keyword" and "vmn" in form.fields and not cleaned.get("keyword"):
            field = "vmn"  # "the number already has a default configuration" is about the number
        label = form.fields[field].label if field in form.fields else None
        form.add_error(field if field in form.fields else None,
                       f"{label or issue.field.capitalize()} {issue.message}.")


class VmnChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: VMN) -> str:
        return obj.number


class ProfileChoiceField(forms.ModelChoiceField):
    """Titles may repeat, so the id is shown; profiles that would send empty values for an
    incoming SMS, and ones that send nothing, say so in the picker itself."""

    def label_from_instance(self, obj: CallbackProfile) -> str:
        label = f"{obj.title} ({obj.profile_id})"
        misfits = profile_misfits_for_incoming(obj)
        if misfits:
            names = ", ".join(f"<{name}>" for name in misfits)
            label += f" ⚠ not Incoming SMS variables: {names}"
        if obj.status != ProfileStatus.ACTIVE:
            label += f" ({obj.get_status_display()}: sends nothing)"
        return label


class ConfigurationForm(forms.Form):
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
    active = forms.BooleanField(label="Active", required=False, initial=True)
    expires_at = forms.DateTimeField(
        label="Expires at", required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="Optional, keyword configurations only (your display time zone, see Account "
                  "settings). After it, the keyword's "
                  "messages go to the default configuration.",
    )

    def __init__(self, *args, account: Account, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vmn"].queryset = VMN.objects.filter(account=account)
        self.fields["callback_profile"].queryset = CallbackProfile.objects.filter(account=account)

    def to_input(self) -> ConfigurationInput:
        data = self.cleaned_data
        return ConfigurationInput(
            vmn=data["vmn"], keyword=data["keyword"], trigger_url=data["trigger_url"],
            trigger_type=data["trigger_type"], callback_profile=data["callback_profile"],
            active=data["active"], expires_at=data["expires_at"],
        )

    @classmethod
    def initial_from(cls, data: ConfigurationInput) -> dict:
        return {
            "vmn": data.vmn, "keyword": data.keyword, "trigger_url": data.trigger_url,
            "trigger_type": data.trigger_type, "callback_profile": data.callback_profile,
            "active": data.active, "expires_at": data.expires_at,
        }


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
        self.fields["to"].queryset = VMN.objects.filter(account=account)

    def clean_source(self) -> str:
        number = normalise_number(self.cleaned_data["source"])
        if number is None:
            raise forms.ValidationError("Enter a phone number in E.164 format, e.g. +918240123456.")
        return number

    def clean(self):
        cleaned = super().clean()
        to, source = cleaned.get("to"), cleaned.get("source")
        if to is not None and source == to.number:
            self.add_error("source", "Enter the subscriber's number, not your own number.")
        return cleaned


class LogFilterForm(forms.Form):
    number = forms.CharField(label="Number", required=False, max_length=32)
    keyword = forms.CharField(label="Keyword", required=False, max_length=MAX_KEYWORD)
    date_from = forms.DateField(label="From date", required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="To date", required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v}


class SenderIdForm(forms.Form):
    sender_id = forms.CharField(label="Sender ID", max_length=11,
                                help_text="3 to 11 letters or digits, e.g. KLRHXA.")
