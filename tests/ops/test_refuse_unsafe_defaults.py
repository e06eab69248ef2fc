"""With DEBUG off, the web server refuses to start on development secrets, naming each one;
with the documented production environment `check --deploy` is clean."""

from __future__ import annotations

import pytest

from .helpers import PRODUCTION_ENV, clean_env, manage, run_python

LOAD_WSGI_APP = "import callbackadmin.wsgi"


@pytest.mark.parametrize("variable", ["SECRET_KEY", "FIELD_ENCRYPTION_KEY", "INBOUND_SMS_TOKEN"])
def test_missing_secret_stops_start_up_naming_it(variable):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != variable}

    result = run_python(LOAD_WSGI_APP, clean_env(**env))

    assert result.returncode != 0
    assert f"{variable} is missing or a development value" in result.stderr
    others = {"SECRET_KEY", "FIELD_ENCRYPTION_KEY", "INBOUND_SMS_TOKEN"} - {variable}
    assert not any(f"{name} is missing" in result.stderr for name in others)


@pytest.mark.parametrize("variable, development_value", [
    ("SECRET_KEY", "django-insecure-dev-key-change-me-0123456789-callback-profiles"),
    ("SECRET_KEY", "change-me"),
    ("INBOUND_SMS_TOKEN", "dev-inbound-token"),
    ("INBOUND_SMS_TOKEN", "change-me-too"),
    ("FIELD_ENCRYPTION_KEY", "change-me"),
])
def test_development_value_stops_start_up(variable, development_value):
    result = run_python(LOAD_WSGI_APP,
                        clean_env(**{**PRODUCTION_ENV, variable: development_value}))

    assert result.returncode != 0
    assert f"{variable} is missing or a development value" in result.stderr


def test_short_secret_key_is_refused():
    result = run_python(LOAD_WSGI_APP, clean_env(**{**PRODUCTION_ENV, "SECRET_KEY": "short1"}))

    assert result.returncode != 0
    assert "SECRET_KEY is shorter than 50 characters" in result.stderr


def test_runserver_refuses_too():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "INBOUND_SMS_TOKEN"}

    result = manage("runserver", "127.0.0.1:0", "--noreload", env=clean_env(**env))

    assert result.returncode != 0
    assert "INBOUND_SMS_TOKEN is missing or a development value" in result.stderr


def test_production_environment_starts_and_check_deploy_is_clean():
    assert run_python(LOAD_WSGI_APP, clean_env(**PRODUCTION_ENV)).returncode == 0

    result = manage("check", "--deploy", "--fail-level", "WARNING", env=clean_env(**PRODUCTION_ENV))

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_reports_development_secrets_as_errors():
    result = manage("check", "--deploy", env=clean_env(DEBUG="false"))

    assert result.returncode != 0
    for variable in ("SECRET_KEY", "FIELD_ENCRYPTION_KEY", "INBOUND_SMS_TOKEN"):
        assert f"(ops.E001) {variable} is missing" in result.stderr


def test_debug_mode_keeps_the_development_defaults():
    assert run_python(LOAD_WSGI_APP, clean_env(DEBUG="true")).returncode == 0


def test_check_deploy_warns_when_alert_emails_would_only_be_printed():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "EMAIL_URL"}

    result = manage("check", "--deploy", env=clean_env(**env))

    assert result.returncode == 0
    assert "(ops.W001) EMAIL_URL is not set" in result.stderr
