"""`manage.py seed_demo` (run by bin/run): one demo key reused on every run, a VMN with a default
configuration, and callback URLs that follow the PORT setting."""

from __future__ import annotations

import io
import re

from django.core.management import call_command

from accounts.models import Account, ApiKey
from profiles.models import CallbackProfile
from receive_sms.models import ReceiveConfiguration
from receive_sms.services import incoming_sms_receive


def seed(**options) -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


def printed_key(output: str) -> str:
    return re.search(r"API key: (A[0-9a-f]{32})", output).group(1)


def test_every_run_prints_the_same_working_key_and_mints_no_other(db, client):
    first = seed()
    keys = ApiKey.objects.count()
    second = seed()
    assert printed_key(first) == printed_key(second)
    assert ApiKey.objects.count() == keys
    account = Account.objects.get(name="Demo Company")
    response = client.get(f"/v1/{account.sid}/callback/profiles",
                          HTTP_API_KEY=printed_key(second))
    assert response.status_code == 200


def test_a_revoked_demo_key_is_not_revived(db):
    from accounts.services import api_key_revoke

    key = printed_key(seed())
    demo = ApiKey.objects.get(name="Demo (bin/run)")
    api_key_revoke(api_key=demo)
    output = seed()
    assert key not in output and "the demo key was revoked" in output


def test_the_demo_has_a_vmn_whose_default_configuration_fires(db):
    output = seed()
    assert "Demo VMN: +919999000123" in output
    configuration = ReceiveConfiguration.objects.get()
    assert configuration.keyword == "" and configuration.trigger_url
    assert configuration.callback_profile.title == "Incoming SMS"
    incoming = incoming_sms_receive(to="+919999000123", source="+918240123456",
                                    message="hello demo")
    assert incoming.matched and incoming.callback_delivery is not None
    seed()
    assert ReceiveConfiguration.objects.count() == 1


def test_demo_urls_follow_the_port_setting(db, settings):
    settings.PUBLIC_BASE_URL = "http://127.0.0.1:8000"
    seed()
    settings.PUBLIC_BASE_URL = "http://127.0.0.1:9123"
    output = seed()
    urls = CallbackProfile.objects.values_list("url", flat=True)
    assert len(urls) == 4
    assert all(url.startswith("http://127.0.0.1:9123/inbox/") for url in urls)
    assert "http://127.0.0.1:9123/login/" in output and ":8000" not in output


def test_public_base_url_is_built_from_port(monkeypatch):
    import importlib

    import callbackadmin.settings as project_settings

    monkeypatch.setenv("PORT", "9555")
    monkeypatch.delenv("PUBLIC_BASE_URL", raising=False)
    try:
        reloaded = importlib.reload(project_settings)
        assert reloaded.PORT == 9555
        assert reloaded.PUBLIC_BASE_URL == "http://127.0.0.1:9555"
    finally:
        monkeypatch.undo()
        importlib.reload(project_settings)
