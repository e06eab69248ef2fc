from django.contrib import admin

from .models import Message, OptOut, OptOutSettings


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ("message_id", "account", "recipient", "type", "units", "price", "status",
                    "status_trace", "sent_at")
    list_filter = ("status", "type", "encoding")
    search_fields = ("message_id", "recipient", "account__sid", "campaign_name")
    list_select_related = ("account",)
    raw_id_fields = ("account", "callback_profile", "callback_delivery")
    # The log is a record of what happened: viewable, not editable.
    readonly_fields = [f.name for f in Message._meta.fields]
    date_hierarchy = "sent_at"

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(OptOut)
class OptOutAdmin(admin.ModelAdmin):
    list_display = ("number", "account", "keyword", "via", "opted_out_at", "opted_in_at")
    list_filter = ("keyword",)
    search_fields = ("number", "account__sid")
    list_select_related = ("account",)
    # A record of what the number asked for: only the number itself changes it (START).
    readonly_fields = [f.name for f in OptOut._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(OptOutSettings)
class OptOutSettingsAdmin(admin.ModelAdmin):
    list_display = ("account", "modified_at")
    search_fields = ("account__sid",)
