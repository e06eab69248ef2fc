"""The filters of the Receive SMS lists: one definition each, read by the page (the form) and
by the API (`api.query.filters_of`)."""

from __future__ import annotations

from django import forms

from .services import MAX_KEYWORD, MAX_SOURCE


class IncomingMessageFilterForm(forms.Form):
    """The incoming-message Logs: `GET …/receive-sms/messages`."""

    number = forms.CharField(label="Number", required=False, max_length=MAX_SOURCE)
    keyword = forms.CharField(label="Keyword", required=False, max_length=MAX_KEYWORD)
    date_from = forms.DateField(label="From date", required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="To date", required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v}


class MemberFilterForm(forms.Form):
    """A subscriber list's members: `GET …/receive-sms/lists/<id>/members`."""

    status = forms.ChoiceField(label="Status", required=False, choices=[
        ("", "All"), ("subscribed", "Subscribed"), ("unsubscribed", "Unsubscribed"),
    ])
