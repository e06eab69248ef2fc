from __future__ import annotations

from django.contrib import admin, messages
from django.utils import timezone

from common.errors import InvalidInput
from profiles.models import EndpointState

from .models import (
    Delivery,
    DeliveryAttempt,
    Inbox,
    InboxRequest,
    RateLimitWindow,
    WorkerHeartbeat,
)
from .selectors import worker_stale_after
from .services import delivery_resend
from .services.circuits import circuit_close


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


class ReadOnlyAdmin(admin.ModelAdmin):
    """The engine writes these rows; the admin only shows them."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(EndpointState)
class EndpointStateAdmin(ReadOnlyAdmin):
    list_display = ("profile", "account", "circuit", "consecutive_failures", "reopen_at",
                    "failing_since", "failures_since_success", "last_success_at",
                    "last_failure_at")
    list_filter = ("circuit",)
    search_fields = ("profile__profile_id", "profile__title", "profile__account__sid")
    list_select_related = ("profile", "profile__account")
    ordering = ("reopen_at", "profile_id")
    actions = ["close_circuit"]

    @admin.display(description="account", ordering="profile__account__sid")
    def account(self, obj: EndpointState) -> str:
        return obj.profile.account.sid

    def has_close_permission(self, request) -> bool:
        return request.user.has_perm("profiles.change_endpointstate")

    @admin.action(description="Close circuit now", permissions=["close"])
    def close_circuit(self, request, queryset) -> None:
        closed = circuit_close(profile_pks=queryset.values_list("profile_id", flat=True))
        if closed:
            self.message_user(request, f"Closed {closed} circuit(s): their deliveries are sent "
                                       "again now.")
        else:
            self.message_user(request, "Those circuits were already closed.", messages.WARNING)


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(ReadOnlyAdmin):
    list_display = ("worker_id", "hostname", "pid", "in_flight", "alive", "last_seen_at",
                    "started_at", "stopping")
    list_filter = ("hostname", "stopping")
    search_fields = ("worker_id", "hostname")
    ordering = ("-last_seen_at",)

    @admin.display(boolean=True, description="alive")
    def alive(self, obj: WorkerHeartbeat) -> bool:
        return obj.last_seen_at >= timezone.now() - worker_stale_after()


@admin.register(RateLimitWindow)
class RateLimitWindowAdmin(ReadOnlyAdmin):
    list_display = ("profile", "window_start", "count")
    search_fields = ("profile__profile_id", "profile__title")
    list_select_related = ("profile",)
    ordering = ("-window_start",)
    date_hierarchy = "window_start"
