from django.contrib import admin

from .models import Alert, AlertSettings


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ["kind", "profile", "account", "occurrences", "last_raised_at",
                    "emailed_at", "acknowledged_at"]
    list_filter = ["kind"]
    list_select_related = ["profile", "account"]
    readonly_fields = ["created_at"]


@admin.register(AlertSettings)
class AlertSettingsAdmin(admin.ModelAdmin):
    list_display = ["account", "enabled", "updated_at"]
