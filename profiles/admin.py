"""Admin for staff: every write goes through the profile services, as the pages and the API do.

Creating a profile calls `profile_create`, editing calls `profile_update`, and a status change
calls `profile_set_status` (so re-enabling restarts the auto-disable clock). Headers, encryption
and advanced authentication are edited as JSON on the profile form itself, so the whole profile
is validated by the one set of rules (`validate_profile`) before anything is saved.
"""

from __future__ import annotations

from datetime import UTC

from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from common.errors import InvalidInput

from .models import CallbackProfile, ProfileStatus
from .services import (
    profile_create,
    profile_set_status,
    profile_update,
    retired_secrets_signing,
)
from .validation import (
    PROFILE_COLUMNS,
    AuthInput,
    EncryptionInput,
    ProfileInput,
    max_concurrency_ceiling,
    validate_profile,
)

# Where a rule's complaint goes on the admin form ("headers/X-Key" → the headers field).
_FIELD_FOR_PREFIX = {"headers": "headers", "enc": "encryption", "auth": "auth",
                     "events": None}


def _form_field(issue_field: str, form: forms.BaseForm) -> str | None:
    # Delivery limits are nested under "delivery/" in the API, flat columns here.
    issue_field = issue_field.removeprefix("delivery/")
    head = issue_field.split("/")[0]
    if head in _FIELD_FOR_PREFIX:
        return _FIELD_FOR_PREFIX[head]
    return head if head in form.fields else None


class CallbackProfileAdminForm(forms.ModelForm):
    headers = forms.JSONField(
        required=False, help_text='Headers added to every callback: {"X-Api-Key": "value"}.'
    )
    encryption = forms.JSONField(
        required=False, label="Encryption",
        help_text='Empty for none, or {"algo": "AES-128-GCM", "key": "16 characters", '
                  '"IV": "16 characters", "params": [], "nonce_mode": "fixed"}.',
    )
    auth = forms.JSONField(
        required=False, label="Advanced authentication (OAuth client credentials)",
        help_text='Empty for none, or {"token_url": "https://…", "client_id": "…", '
                  '"client_secret": "…", "scope": ""}.',
    )

    class Meta:
        model = CallbackProfile
        fields = ["account", "channel", *PROFILE_COLUMNS, "status", "disabled_reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body_format"].required = False  # blank = JSON
        self.fields["rate_limit_period"].required = False  # blank = per second
        self.fields["max_concurrency"].help_text = (
            f"Attempts in flight per worker process, 1–{max_concurrency_ceiling()}; "
            "empty = adjusted automatically.")
        self.fields["rate_limit"].help_text = (
            "Requests per period across all workers; empty = no limit.")
        if self.instance.pk:
            current = ProfileInput.from_profile(self.instance)
            self.initial.setdefault("headers", current.headers)
            for name, group in (("encryption", current.encryption), ("auth", current.auth)):
                self.initial.setdefault(name, group.as_api() if group else None)
        self.profile_input: ProfileInput | None = None

    def _object(self, name: str) -> dict | None:
        value = self.cleaned_data.get(name)
        if value in (None, "", {}):
            return None
        if not isinstance(value, dict):
            self.add_error(name, "Must be a JSON object.")
            return None
        return value

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        headers = cleaned.get("headers") or {}
        if not isinstance(headers, dict) or not all(
            isinstance(v, str) for v in headers.values()
        ):
            self.add_error("headers", 'Must be a JSON object of strings: {"Name": "value"}.')
            headers = {}
        enc, auth = self._object("encryption"), self._object("auth")
        if self.errors:
            return cleaned
        columns = {name: ProfileInput.or_default(name, cleaned.get(name))
                   for name in PROFILE_COLUMNS}
        try:
            data = ProfileInput(
                channel=cleaned.get("channel") or self.instance.channel,
                **columns,
                headers=headers,
                encryption=EncryptionInput.from_api(enc) if enc else None,
                auth=AuthInput.from_api(auth) if auth else None,
            )
        except TypeError as exc:
            raise forms.ValidationError(f"Could not read the settings: {exc}") from exc
        existing = self.instance.channel if self.instance.pk else None
        for issue in validate_profile(data, existing_channel=existing):
            field = _form_field(issue.field, self)
            plain = field == issue.field.removeprefix("delivery/")
            self.add_error(field, issue.message if plain else f"{issue.field}: {issue.message}")
        self.profile_input = data
        return cleaned


@admin.register(CallbackProfile)
class CallbackProfileAdmin(admin.ModelAdmin):
    form = CallbackProfileAdminForm
    list_display = ["title", "profile_id", "account", "channel", "http_method", "body_format",
                    "status", "managed", "created_at"]
    list_filter = ["status", "channel", "http_method", "body_format", "managed", "created_at"]
    search_fields = ["title", "profile_id", "url", "account__name", "account__sid"]
    list_select_related = ["account"]
    readonly_fields = ["profile_id", "managed", "enabled_at", "retired_secrets", "created_at",
                       "modified_at"]
    actions = ["enable_profiles", "disable_profiles"]

    @admin.display(description="Retired signing secrets")
    def retired_secrets(self, obj: CallbackProfile) -> str:
        """Read-only (a list, not a formset: secrets are rotated through the service on the
        page or the API, never edited here): when each retired secret stops signing."""
        rows = retired_secrets_signing(obj) if obj.pk else []
        if not rows:
            return "None signing now"
        return format_html_join(
            mark_safe("<br>"), "retired {} UTC, signs until {} UTC",
            ((r.retired_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M"),
              r.expires_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M")) for r in rows),
        )

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return fields + ["channel", "account"] if obj else fields

    def save_model(self, request, obj, form, change):
        """The services write the profile; `obj` only learns its identity for the redirect."""
        data = form.profile_input
        assert data is not None  # clean() ran without errors
        if change:
            profile = profile_update(profile=CallbackProfile.objects.get(pk=obj.pk), data=data)
        else:
            profile = profile_create(account=form.cleaned_data["account"], data=data)
        status = form.cleaned_data.get("status")
        if status is not None and status != profile.status:
            reason = form.cleaned_data.get("disabled_reason") or "Changed by staff"
            profile = profile_set_status(profile=profile, status=status, reason=reason)
        obj.pk, obj.profile_id = profile.pk, profile.profile_id
        obj._state.adding = False

    @admin.action(description="Enable selected profiles (restarts the auto-disable clock)")
    def enable_profiles(self, request, queryset):
        self._set_status(request, queryset, ProfileStatus.ACTIVE)

    @admin.action(description="Disable selected profiles")
    def disable_profiles(self, request, queryset):
        self._set_status(request, queryset, ProfileStatus.DISABLED)

    def _set_status(self, request, queryset, status: int) -> None:
        changed = 0
        for profile in queryset:
            try:
                profile_set_status(profile=profile, status=status, reason="Disabled by staff")
            except InvalidInput as exc:  # pragma: no cover - set_status validates nothing yet
                messages.error(request, f"{profile}: {exc}")
            else:
                changed += 1
        messages.success(request, f"{changed} profile(s) updated.")
