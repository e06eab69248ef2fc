"""The profile list's filters: one definition, read by the list page (this form) and by
`GET /v1/<sid>/callback/profiles` (`api.query.filters_of`)."""

from __future__ import annotations

from typing import Any

from django import forms

from .models import HTTP_METHOD_CHOICES, ProfileStatus


class ProfileFilterForm(forms.Form):
    """The list's search and filters; all optional, all kept in the query string."""

    title = forms.CharField(
        label="Search by name", required=False, max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Profile name"}),
    )
    http_method = forms.ChoiceField(
        label="HTTP Method", required=False,
        choices=[("", "Any method"), *HTTP_METHOD_CHOICES],
    )
    status = forms.TypedChoiceField(
        label="Status", required=False, coerce=int, empty_value=None,
        choices=[("", "Any status"), *ProfileStatus.choices],
    )
    created_from = forms.DateField(
        label="Created from", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    created_to = forms.DateField(
        label="Created to", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        start, end = cleaned.get("created_from"), cleaned.get("created_to")
        if start and end and start > end:
            self.add_error("created_to", "must be on or after the “Created from” date.")
        return cleaned

    def filters(self) -> dict[str, Any]:
        """Only the filters that parsed; a bad date is reported and ignored, not a 500."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {key: cleaned.get(key) for key in self.fields
                if cleaned.get(key) and key not in self.errors}

    @property
    def is_filtered(self) -> bool:
        return bool(self.filters())
