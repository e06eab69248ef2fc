from django.contrib import admin

from .models import Message


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
