from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Running it in production: health, metrics, retention, deploy checks, request ids."""

    name = "ops"
    verbose_name = "Operations"

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the deploy checks
