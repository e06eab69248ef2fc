"""Forms of the Channels → SMS → Manage pages. They check types; the services hold the rules."""

from __future__ import annotations

from django import forms

from accounts.models import Account
from common.errors import InvalidInput
from profiles import catalog
from profiles.models import CallbackProfile, Channel, ProfileStatus
from profiles.placeholders import INCOMING_EVENT, profile_placeholders, unknown_placeholders
from sms.services import SMS_SENT_EVENT

from .action_rules import DEFAULT_FORWARD_TEMPLATE, MAX_DELAY_MINUTES
from .models import VMN, SubscriberList, TriggerType
from .services import MAX_KEYWORD, MAX_MESSAGE, ConfigurationInput, normalise_number

# The catalog's example subscriber: never one of the account's own numbers.
SAMPLE_SENDER = "+918240123456"

# Service issue field → form field, so a rule broken in the service shows next to its input.
SERVICE_FIELDS = {
    "number": "vmn",
    "callback_profile_id": "callback_profile",
    "reply_callback_profile_id": "reply_callback_profile",
    "auto_reply/text": "auto_reply_text",
    "auto_reply/delay_minutes": "auto_reply_delay_minutes",
    "forward/numbers": "forward_numbers",
    "forward/emails": "forward_emails",
    "forward/template": "forward_template",
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


class CommaListField(forms.CharField):
    """Comma- or newline-separated entries -> a list of strings (rules are the service's)."""

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list | tuple) else value

    def to_python(self, value) -> list[str]:
        text = super().to_python(value) or ""
        return [part.strip() for part in text.replace("\n", ",").split(",") if part.strip()]


def _switch(label: str) -> forms.BooleanField:
    return forms.BooleanField(label=label, required=False,
                              widget=forms.CheckboxInput(attrs={"role": "switch"}))


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
    webhook_url = forms.CharField(
        label="Webhook URL", required=False, max_length=2048,
        widget=forms.URLInput(attrs={"placeholder": "https://example.com/incoming-sms",
                                     "spellcheck": "false"}),
        help_text="Gets a signed POST with every incoming-SMS variable, retried like any "
                  "callback.",
    )
    auto_reply = _switch("Auto Reply")
    auto_reply_text = forms.CharField(
        label="Reply text", required=False, max_length=MAX_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Sent back to the sender from this number. Variables as in callbacks: "
                  "<source>, <keyword>, <parts[2]>…",
    )
    auto_reply_delay_minutes = forms.IntegerField(
        label="Send after (minutes)", required=False, min_value=0, max_value=MAX_DELAY_MINUTES,
        initial=0, help_text="0 sends it immediately.",
    )
    forward = _switch("Forward")
    forward_numbers = CommaListField(label="Forward SMS to", required=False,
                                     max_length=1000, help_text="E.164 numbers, comma-separated.")
    forward_emails = CommaListField(label="Forward email to", required=False, max_length=2000,
                                    help_text="Email addresses, comma-separated.")
    forward_template = forms.CharField(label="Forward text", required=False, max_length=1000,
                                       initial=DEFAULT_FORWARD_TEMPLATE)
    subscribe = _switch("Subscribe")
    subscribe_list = forms.CharField(
        label="Subscribe to list", required=False, max_length=50,
        widget=forms.TextInput(attrs={"list": "subscriber-list-names"}),
        help_text="A list of your account; a new name creates it.",
    )
    unsubscribe = _switch("Unsubscribe")
    unsubscribe_list = forms.CharField(
        label="Unsubscribe from list", required=False, max_length=50,
        widget=forms.TextInput(attrs={"list": "subscriber-list-names"}),
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

    def __init__(self, *args, account: Account, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vmn"].queryset = VMN.objects.filter(account=account)
        self.fields["callback_profile"].queryset = CallbackProfile.objects.filter(
            account=account, managed=False
        )
        self.fields["reply_callback_profile"].queryset = CallbackProfile.objects.filter(
            account=account, channel=Channel.SMS
        )
        self.list_names = list(
            SubscriberList.objects.filter(account=account).values_list("name", flat=True)
        )

    def clean(self):
        cleaned = super().clean()
        for switch, name in (("subscribe", "subscribe_list"), ("unsubscribe", "unsubscribe_list")):
            if cleaned.get(switch) and not (cleaned.get(name) or "").strip():
                self.add_error(name, "Enter the name of the list.")
        return cleaned

    def to_input(self) -> ConfigurationInput:
        data = self.cleaned_data
        return ConfigurationInput(
            vmn=data["vmn"], keyword=data["keyword"], trigger_url=data["trigger_url"],
            trigger_type=data["trigger_type"], callback_profile=data["callback_profile"],
            active=data["active"], expires_at=data["expires_at"],
            webhook_url=data["webhook_url"], auto_reply=data["auto_reply"],
            auto_reply_text=data["auto_reply_text"],
            auto_reply_delay_minutes=data["auto_reply_delay_minutes"] or 0,
            forward=data["forward"], forward_numbers=data["forward_numbers"],
            forward_emails=data["forward_emails"],
            forward_template=data["forward_template"] or DEFAULT_FORWARD_TEMPLATE,
            subscribe_list=data["subscribe_list"] if data["subscribe"] else "",
            unsubscribe_list=data["unsubscribe_list"] if data["unsubscribe"] else "",
            reply_callback_profile=data["reply_callback_profile"],
        )

    @classmethod
    def initial_from(cls, data: ConfigurationInput) -> dict:
        return {
            "vmn": data.vmn, "keyword": data.keyword, "trigger_url": data.trigger_url,
            "trigger_type": data.trigger_type, "callback_profile": data.callback_profile,
            "active": data.active, "expires_at": data.expires_at,
            "webhook_url": data.webhook_url, "auto_reply": data.auto_reply,
            "auto_reply_text": data.auto_reply_text,
            "auto_reply_delay_minutes": data.auto_reply_delay_minutes,
            "forward": data.forward, "forward_numbers": data.forward_numbers,
            "forward_emails": data.forward_emails, "forward_template": data.forward_template,
            "subscribe": bool(data.subscribe_list), "subscribe_list": data.subscribe_list,
            "unsubscribe": bool(data.unsubscribe_list),
            "unsubscribe_list": data.unsubscribe_list,
            "reply_callback_profile": data.reply_callback_profile,
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
