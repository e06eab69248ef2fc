"""`manage.py check --deploy` reports the development secrets that start-up refuses."""

from __future__ import annotations

from django.core import checks

from callbackadmin.startup import unsafe_settings


@checks.register(checks.Tags.security, deploy=True)
def check_production_secrets(app_configs, **kwargs) -> list[checks.CheckMessage]:
    return [checks.Error(problem, id="ops.E001") for problem in unsafe_settings()]


@checks.register(checks.Tags.security, deploy=True)
def check_alert_email(app_configs, **kwargs) -> list[checks.CheckMessage]:
    from django.conf import settings

    if settings.DEBUG or "console" not in settings.EMAIL_BACKEND:
        return []
    return [checks.Warning(
        "EMAIL_URL is not set: customer alert emails are only printed to the console",
        hint="Set EMAIL_URL=smtp://user:password@host:587 (and DEFAULT_FROM_EMAIL).",
        id="ops.W001",
    )]
