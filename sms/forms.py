"""Forms of the SMS pages: they parse what the browser sends; `services.message_send` decides."""

from __future__ import annotations

from django import forms

from accounts.models import Account
from common.errors import InvalidInput, sentence
from profiles.models import CallbackProfile, Channel, ProfileStatus

from .models import MessageStatus, MessageType
from .services import DEFAULT_SENDER


def _profile_label(profile: CallbackProfile) -> str:
    """Titles may repeat, so the id tells them apart; an inactive profile says it sends
    nothing (its deliveries are recorded as skipped)."""
    label = f"{profile.title} · {profile.http_method} · {profile.profile_id}"
    if profile.status != ProfileStatus.ACTIVE:
        label += f" ({profile.get_status_display()}: sends nothing)"
    return label


class SendSmsForm(forms.Form):
    to = forms.CharField(
        label="To", max_length=4000,
        help_text="One or more numbers in E.164 format, separated by commas: +919876543210",
    )
    body = forms.CharField(label="Message", widget=forms.Textarea(attrs={"rows": 4}),
                           strip=False)
    type = forms.ChoiceField(label="Type", choices=MessageType.choices, initial=MessageType.TXN)
    sender = forms.CharField(label="Sender", max_length=16, initial=DEFAULT_SENDER)
    template_id = forms.CharField(label="Template ID", max_length=30, required=False,
                                  help_text="DLT template id (Indian customers).")
    callback_profile_id = forms.ChoiceField(label="Callback profile", required=False)
    campaign_name = forms.CharField(label="Campaign name", max_length=100, required=False)
    ref = forms.CharField(label="ref", max_length=100, required=False)
    ref1 = forms.CharField(label="ref1", max_length=100, required=False)
    ref2 = forms.CharField(label="ref2", max_length=100, required=False)
    flash = forms.BooleanField(label="Flash message", required=False)

    def __init__(self, *args, account: Account, **kwargs):
        super().__init__(*args, **kwargs)
        profiles = CallbackProfile.objects.filter(account=account, channel=Channel.SMS)
        choice = self.fields["callback_profile_id"]
        assert isinstance(choice, forms.ChoiceField)
        choice.choices = [("", "No callback")] + [
            (p.profile_id, _profile_label(p)) for p in profiles.order_by("title", "created_at")
        ]

    def add_service_errors(self, error: InvalidInput) -> None:
        """Show the service's issues next to the fields they name."""
        for issue in error.issues:
            field = issue.field if issue.field in self.fields else None
            text = issue.message if field else issue.api_text().removeprefix("body ")
            self.add_error(field, sentence("", text))


class LogFilterForm(forms.Form):
    q = forms.CharField(label="Recipient or message id", required=False)
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any")] + MessageStatus.choices
    )
    type = forms.ChoiceField(
        label="Type", required=False, choices=[("", "Any")] + MessageType.choices
    )
    request = forms.UUIDField(label="Request id", required=False,
                              widget=forms.HiddenInput)
