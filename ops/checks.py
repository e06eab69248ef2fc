"""`manage.py check --deploy` reports the development secrets that start-up refuses."""

from __future__ import annotations

from django.core import checks

from callbackadmin.startup import unsafe_settings


@checks.register(checks.Tags.security, deploy=True)
def check_production_secrets(app_configs, **kwargs) -> list[checks.CheckMessage]:
    return [checks.Error(problem, id="ops.E001") for problem in unsafe_settings()]
