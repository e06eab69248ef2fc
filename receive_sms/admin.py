"""Admin for staff: numbers, sender-ID approval, configurations (same rules as the pages and
the API) and the read-only incoming log."""

from __future__ import annotations

from django import forms
from django.contrib import admin

from common.errors import InvalidInput, NotFound

from .matching import normalise_keyword
from .models import VMN, IncomingMessage, ReceiveConfiguration, SenderId, SenderIdStatus
from .services import (
    ConfigurationInput,
    configuration_create,
    configuration_update,
    normalise_number,
    validate_configuration,
    vmn_provision,
)


class VMNAdminForm(forms.ModelForm):
    class Meta:
        model = VMN
        fields = ["account", "number"]

    def clean_number(self) -> str:
        number = normalise_number(self.cleaned_data["number"])
        if number is None:
            raise forms.ValidationError("Must be an E.164 number such as +919870012345.")
        return number


@admin.register(VMN)
class VMNAdmin(admin.ModelAdmin):
    form = VMNAdminForm
    list_display = ["number", "account", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        # A number is provisioned once (vmn_provision); moving it would orphan its setup.
        return ["account", "number"] if obj else []

    def save_model(self, request, obj, form, change):
        if change:
            return
        vmn = vmn_provision(account=form.cleaned_data["account"], number=obj.number)
        obj.pk, obj.created_at = vmn.pk, vmn.created_at
        obj._state.adding = False
    search_fields = ["number", "account__sid", "account__name"]
    list_select_related = ["account"]


@admin.register(SenderId)
class SenderIdAdmin(admin.ModelAdmin):
    list_display = ["sender_id", "account", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["sender_id", "account__sid"]
    list_select_related = ["account"]
    actions = ["approve", "reject"]

    @admin.action(description="Approve selected sender IDs")
    def approve(self, request, queryset):
        queryset.update(status=SenderIdStatus.APPROVED)

    @admin.action(description="Reject selected sender IDs")
    def reject(self, request, queryset):
        queryset.update(status=SenderIdStatus.REJECTED)


class ReceiveConfigurationAdminForm(forms.ModelForm):
    class Meta:
        model = ReceiveConfiguration
        fields = ["account", "vmn", "keyword", "trigger_url", "trigger_type", "callback_profile",
                  "active", "expires_at"]

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        cleaned["keyword"] = normalise_keyword(cleaned.get("keyword") or "")
        data = ConfigurationInput(
            vmn=cleaned["vmn"], keyword=cleaned["keyword"], trigger_url=cleaned["trigger_url"],
            trigger_type=cleaned["trigger_type"], callback_profile=cleaned["callback_profile"],
            active=cleaned["active"], expires_at=cleaned["expires_at"],
        )
        self.configuration_input = data
        try:
            validate_configuration(account=cleaned["account"], data=data,
                                   existing=self.instance if self.instance.pk else None)
        except NotFound as exc:
            raise forms.ValidationError(f"{exc.message} in the chosen account.") from exc
        except InvalidInput as exc:
            raise forms.ValidationError([f"{i.field}: {i.message}" for i in exc.issues]) from exc
        return cleaned


@admin.register(ReceiveConfiguration)
class ReceiveConfigurationAdmin(admin.ModelAdmin):
    form = ReceiveConfigurationAdminForm
    list_display = ["vmn", "keyword", "trigger_url", "callback_profile", "active", "expires_at"]
    list_filter = ["active", "trigger_url"]
    search_fields = ["vmn__number", "keyword", "account__sid"]
    list_select_related = ["vmn", "callback_profile"]
    readonly_fields = ["public_id", "created_at", "modified_at"]

    def save_model(self, request, obj, form, change):
        """The same services as the pages and the API write the configuration."""
        data = form.configuration_input
        if change:
            saved = configuration_update(
                configuration=ReceiveConfiguration.objects.get(pk=obj.pk), data=data)
        else:
            saved = configuration_create(account=form.cleaned_data["account"], data=data)
        obj.pk, obj.public_id = saved.pk, saved.public_id
        obj._state.adding = False


@admin.register(IncomingMessage)
class IncomingMessageAdmin(admin.ModelAdmin):
    """The log is evidence of what arrived: staff can read it, not rewrite it."""

    list_display = ["received_at", "recipient", "source", "keyword", "matched", "callback_delivery"]
    list_filter = ["matched"]
    search_fields = ["recipient", "source", "keyword"]
    list_select_related = ["callback_delivery"]
    date_hierarchy = "received_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
