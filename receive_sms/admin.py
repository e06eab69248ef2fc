"""Admin for staff: numbers, sender-ID approval, configurations (same rules as the pages and
the API) and the read-only incoming log."""

from __future__ import annotations

from django import forms
from django.contrib import admin

from common.errors import NotFound

from .actions import action_names
from .forms import ConfigurationFields, with_action_fields
from .matching import normalise_keyword
from .models import (
    VMN,
    IncomingMessage,
    ReceiveConfiguration,
    SenderId,
    SenderIdStatus,
    Subscriber,
    SubscriberList,
)
from .services import (
    SAVED_FIELDS,
    configuration_create,
    configuration_delete,
    configuration_update,
    normalise_number,
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


class _ReceiveConfigurationAdminForm(ConfigurationFields, forms.ModelForm):
    """The configuration's own fields, the actions' form fragments (as on the page), and the
    same translation and rules (`ConfigurationFields`)."""

    class Meta:
        model = ReceiveConfiguration
        fields = ["account", *SAVED_FIELDS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.update(self.initial_from(self.instance))

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        cleaned["keyword"] = normalise_keyword(cleaned.get("keyword") or "")
        if "account" in cleaned:
            try:
                self.check_configuration(account=cleaned["account"],
                                         existing=self.instance if self.instance.pk else None)
            except NotFound as exc:
                raise forms.ValidationError(f"{exc.message} in the chosen account.") from exc
        return cleaned


ReceiveConfigurationAdminForm = with_action_fields(_ReceiveConfigurationAdminForm)


@admin.register(ReceiveConfiguration)
class ReceiveConfigurationAdmin(admin.ModelAdmin):
    form = ReceiveConfigurationAdminForm
    list_display = ["vmn", "keyword", "action_list", "trigger_url", "callback_profile", "active",
                    "expires_at"]
    list_filter = ["active", "trigger_url", "trigger_type"]
    search_fields = ["vmn__number", "keyword", "account__sid"]
    list_select_related = ["vmn", "callback_profile"]
    readonly_fields = ["public_id", "webhook_profile", "created_at", "modified_at"]

    @admin.display(description="actions")
    def action_list(self, obj: ReceiveConfiguration) -> str:
        return ", ".join(action_names(obj)) or "-"

    def save_model(self, request, obj, form, change):
        """The same services as the pages and the API write the configuration (and its webhook
        URL's managed profile)."""
        data = form.configuration_input()
        if change:
            saved = configuration_update(
                configuration=ReceiveConfiguration.objects.get(pk=obj.pk), data=data)
        else:
            saved = configuration_create(account=form.cleaned_data["account"], data=data)
        obj.pk, obj.public_id = saved.pk, saved.public_id
        obj._state.adding = False

    def delete_model(self, request, obj):
        configuration_delete(configuration=obj)  # also removes its webhook URL's profile

    def delete_queryset(self, request, queryset):
        for configuration in queryset:
            configuration_delete(configuration=configuration)


class SubscriberInline(admin.TabularInline):
    model = Subscriber
    extra = 0
    fields = readonly_fields = ("number", "source_keyword", "subscribed_at", "unsubscribed_at",
                                "unsubscribe_keyword")


@admin.register(SubscriberList)
class SubscriberListAdmin(admin.ModelAdmin):
    list_display = ["name", "account", "created_at"]
    search_fields = ["name", "account__sid"]
    list_select_related = ["account"]
    inlines = [SubscriberInline]


@admin.register(IncomingMessage)
class IncomingMessageAdmin(admin.ModelAdmin):
    """The log is evidence of what arrived: staff can read it, not rewrite it."""

    list_display = ["received_at", "recipient", "source", "keyword", "matched", "callback_delivery",
                    "actions"]
    list_filter = ["matched"]
    search_fields = ["recipient", "source", "keyword"]
    list_select_related = ["callback_delivery"]
    date_hierarchy = "received_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
