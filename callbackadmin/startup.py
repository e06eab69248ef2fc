"""Refuse to serve with development secrets: with DEBUG off, a missing or well-known
SECRET_KEY, FIELD_ENCRYPTION_KEY or INBOUND_SMS_TOKEN stops start-up, naming the variable.

Called by the entry points that serve traffic (wsgi.py, asgi.py, `manage.py runserver`, `bin/serve`)
and reported as errors by `manage.py check --deploy`. Tests and one-off commands import the
settings without this gate, so the development defaults keep working there.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# The defaults of settings.py and the placeholders of .env.example: public, so never secret.
DEVELOPMENT_VALUES = frozenset({
    "",
    "change-me",
    "change-me-too",
    "dev-inbound-token",
    "django-insecure-dev-key-change-me-0123456789-callback-profiles",
    "dev-insecure-change-me-0123456789-callback-profiles",
})
MIN_SECRET_LENGTH = 50  # as security.W009


def unsafe_settings() -> list[str]:
    """One message per unsafe variable; empty when DEBUG is on or everything is set."""
    if settings.DEBUG:
        return []
    problems = []
    secret = settings.SECRET_KEY or ""
    if secret in DEVELOPMENT_VALUES or secret.startswith("django-insecure"):
        problems.append(
            "SECRET_KEY is missing or a development value: set a long random SECRET_KEY "
            "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(50))'`)"
        )
    elif len(secret) < MIN_SECRET_LENGTH:
        problems.append(f"SECRET_KEY is shorter than {MIN_SECRET_LENGTH} characters")
    keys = [k for k in settings.FIELD_ENCRYPTION_KEYS if k not in DEVELOPMENT_VALUES]
    if not keys or len(keys) != len(settings.FIELD_ENCRYPTION_KEYS):
        problems.append("FIELD_ENCRYPTION_KEY is missing or a development value: set one or more "
                        "comma-separated keys (the first encrypts, all decrypt)")
    if (settings.INBOUND_SMS_TOKEN or "") in DEVELOPMENT_VALUES:
        problems.append("INBOUND_SMS_TOKEN is missing or a development value: set the token your "
                        "carrier sends in X-Inbound-Token")
    return problems


def refuse_unsafe_defaults() -> None:
    problems = unsafe_settings()
    if problems:
        raise ImproperlyConfigured(
            "Refusing to start with DEBUG off:\n  - " + "\n  - ".join(problems)
            + "\n(Set DEBUG=true for local development.)"
        )
