"""Contract 1: `manage.py create_account` prints {"sid", "api_key", "username"}."""

from __future__ import annotations

import json
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command


def run(*args) -> dict:
    out = StringIO()
    call_command("create_account", *args, stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.django_db
def test_create_account_prints_sid_key_and_username_that_work(client):
    result = run("--name", "Acme", "--email", "ops@acme.test", "--password", "s3cret-pass!")
    assert set(result) == {"sid", "api_key", "username"}
    assert re.fullmatch(r"HX[A-Z0-9]+", result["sid"])
    assert re.fullmatch(r"A[0-9a-f]{32}", result["api_key"])
    assert result["username"] == "ops@acme.test"

    api = client.get(f"/v1/{result['sid']}/callback/profiles", HTTP_API_KEY=result["api_key"])
    assert api.status_code == 200
    assert client.login(username="ops@acme.test", password="s3cret-pass!")


@pytest.mark.django_db
def test_create_account_refuses_a_taken_email():
    run("--name", "Acme", "--email", "ops@acme.test", "--password", "pw-123456")
    with pytest.raises(CommandError, match="already exists"):
        run("--name", "Other", "--email", "ops@acme.test", "--password", "pw-123456")
