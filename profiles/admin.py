"""Admin for staff: the same validation rules as the pages and the API."""

from __future__ import annotations

from django import forms
from django.contrib import admin

from delivery.signing import generate_secret

from . import catalog
from .models import CallbackProfile, ProfileAuth, ProfileEncryption, ProfileHeader
from .services import new_profile_id
from .validation import (
    AuthInput,
    EncryptionInput,
    ProfileInput,
    auth_issues,
    encryption_issues,
    header_issues,
    max_concurrency_ceiling,
    validate_profile,
)


def _add_issues(form: forms.BaseForm, issues) -> None:
    for issue in issues:
        # Delivery limits are nested under "delivery/" in the API, flat columns here.
        name = issue.field.removeprefix("delivery/")
        field = name if name in form.fields else None
        form.add_error(field, f"{issue.field}: {issue.message}" if field is None else issue.message)


class CallbackProfileAdminForm(forms.ModelForm):
    class Meta:
        model = CallbackProfile
        fields = ["account", "title", "channel", "http_method", "url", "body_format", "body",
                  "response_message", "status", "disabled_reason",
                  "max_concurrency", "rate_limit", "rate_limit_period"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body_format"].required = False  # blank = JSON
        self.fields["rate_limit_period"].required = False  # blank = per second
        self.fields["max_concurrency"].help_text = (
            f"Attempts in flight per worker process, 1–{max_concurrency_ceiling()}; "
            "empty = adjusted automatically.")
        self.fields["rate_limit"].help_text = (
            "Requests per period across all workers; empty = no limit.")

    def clean(self):
        cleaned = super().clean()
        cleaned["body_format"] = cleaned.get("body_format") or "json"
        cleaned["rate_limit_period"] = cleaned.get("rate_limit_period") or "second"
        if self.errors:
            return cleaned
        data = ProfileInput(
            title=cleaned.get("title"),
            channel=cleaned.get("channel") or self.instance.channel,
            http_method=cleaned.get("http_method", ""), url=cleaned.get("url", ""),
            body=cleaned.get("body"), response_message=cleaned.get("response_message", ""),
            body_format=cleaned.get("body_format") or "json",
            max_concurrency=cleaned.get("max_concurrency"),
            rate_limit=cleaned.get("rate_limit"),
            rate_limit_period=cleaned.get("rate_limit_period") or "second",
        )
        existing = self.instance.channel if self.instance.pk else None
        _add_issues(self, validate_profile(data, existing_channel=existing))
        return cleaned


class HeaderInlineForm(forms.ModelForm):
    class Meta:
        model = ProfileHeader
        fields = ["name", "value", "position"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("name") and not cleaned.get("DELETE"):
            for issue in header_issues({cleaned["name"]: cleaned.get("value", "")}):
                self.add_error("name", issue.message)
        return cleaned


class EncryptionInlineForm(forms.ModelForm):
    class Meta:
        model = ProfileEncryption
        fields = ["algorithm", "key", "iv", "params", "nonce_mode"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("algorithm") and not cleaned.get("DELETE"):
            enc = EncryptionInput(
                algorithm=cleaned["algorithm"], key=cleaned.get("key", ""),
                iv=cleaned.get("iv", ""), params=cleaned.get("params") or [],
                nonce_mode=cleaned.get("nonce_mode", "fixed"),
            )
            channel = catalog.channel(self.instance.profile.channel) if self.instance.profile_id \
                else None
            for issue in encryption_issues(enc, channel):
                self.add_error(None, f"{issue.field}: {issue.message}")
        return cleaned


class AuthInlineForm(forms.ModelForm):
    class Meta:
        model = ProfileAuth
        fields = ["token_url", "client_id", "client_secret", "scope"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("token_url") and not cleaned.get("DELETE"):
            auth = AuthInput(
                token_url=cleaned["token_url"], client_id=cleaned.get("client_id", ""),
                client_secret=cleaned.get("client_secret", ""), scope=cleaned.get("scope", ""),
            )
            profile = self.instance.profile if self.instance.profile_id else None
            headers = {h.name: h.value for h in profile.headers.all()} if profile else {}
            for issue in auth_issues(auth, headers):
                name = issue.field.removeprefix("auth/")
                self.add_error(name if name in self.fields else None, issue.message)
        return cleaned


class HeaderInline(admin.TabularInline):
    model = ProfileHeader
    form = HeaderInlineForm
    extra = 0


class EncryptionInline(admin.StackedInline):
    model = ProfileEncryption
    form = EncryptionInlineForm
    extra = 0


class AuthInline(admin.StackedInline):
    model = ProfileAuth
    form = AuthInlineForm
    extra = 0
    verbose_name = "advanced authentication (OAuth client credentials)"


@admin.register(CallbackProfile)
class CallbackProfileAdmin(admin.ModelAdmin):
    form = CallbackProfileAdminForm
    list_display = ["title", "profile_id", "account", "channel", "http_method", "body_format",
                    "status", "managed", "created_at"]
    list_filter = ["status", "channel", "http_method", "body_format", "managed", "created_at"]
    search_fields = ["title", "profile_id", "url", "account__name", "account__sid"]
    list_select_related = ["account"]
    readonly_fields = ["profile_id", "managed", "created_at", "modified_at"]
    inlines = [HeaderInline, EncryptionInline, AuthInline]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return fields + ["channel", "account"] if obj else fields

    def save_model(self, request, obj, form, change):
        if not change:
            obj.profile_id = new_profile_id()
            obj.signing_secret = generate_secret()
        super().save_model(request, obj, form, change)
