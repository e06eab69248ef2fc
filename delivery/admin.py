from __future__ import annotations

from django.contrib import admin, messages

from common.errors import InvalidInput

from .models import Delivery, DeliveryAttempt, Inbox, InboxRequest
from .services import delivery_resend


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    readonly_fields = ("number", "started_at", "status_code", "latency_ms", "succeeded", "error",
                       "response_excerpt")
    fields = readonly_fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "account", "profile", "event", "status", "attempt_count",
                    "last_status_code", "last_error")
    list_filter = ("status", "event")
    search_fields = ("id", "webhook_id", "source_id", "account__sid", "profile__profile_id")
    readonly_fields = [f.name for f in Delivery._meta.fields]
    inlines = [DeliveryAttemptInline]
    actions = ["resend"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description="Resend selected deliveries")
    def resend(self, request, queryset) -> None:
        done = 0
        for delivery in queryset:
            try:
                delivery_resend(delivery=delivery)
                done += 1
            except InvalidInput as exc:
                self.message_user(request, f"{delivery.pk}: {exc}", messages.WARNING)
        self.message_user(request, f"Queued {done} resend(s).")


@admin.register(Inbox)
class InboxAdmin(admin.ModelAdmin):
    list_display = ("account", "token", "created_at")
    search_fields = ("account__sid", "account__name")


@admin.register(InboxRequest)
class InboxRequestAdmin(admin.ModelAdmin):
    list_display = ("received_at", "inbox", "method", "path", "body_size", "webhook_id")
    list_filter = ("method",)
    readonly_fields = [f.name for f in InboxRequest._meta.fields]
