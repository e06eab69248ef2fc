from django.apps import AppConfig


class AlertsConfig(AppConfig):
    """Customer alerts: a profile's deliveries failing, auto-disable, recovery."""

    name = "alerts"
    verbose_name = "Alerts"
