"""Secrets at rest survive a key rotation: a new key is prepended, old values still read, and
`manage.py reencrypt_secrets` rewrites every secret with the new key."""

from __future__ import annotations

import json
from io import StringIO

from django.core.management import call_command
from django.db import connection

from callbackadmin.encrypted_fields import TOKEN_PREFIX, _fernet
from delivery.models import Delivery
from delivery.services import delivery_create
from profiles.models import CallbackProfile, ProfileHeader
from profiles.services import profile_create
from profiles.validation import EncryptionInput, ProfileInput

OLD, NEW = "old-field-key", "new-field-key"


def use_keys(settings, *keys: str) -> None:
    settings.FIELD_ENCRYPTION_KEY = ",".join(keys)
    settings.FIELD_ENCRYPTION_KEYS = list(keys)


def stored(table: str, column: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table}")  # noqa: S608 - fixed names
        return [row[0] for row in cursor.fetchall()]


def readable_with(key: str, token: str) -> bool:
    try:
        _fernet(key).decrypt(token[len(TOKEN_PREFIX):].encode())
    except Exception:  # noqa: BLE001
        return False
    return True


def make_secret_profile(account):
    return profile_create(account=account, data=ProfileInput(
        title="Secret holder", channel="sms", http_method="POST", url="https://example.com/cb",
        body=None, headers={"X-Api-Key": "sk_live_rotate_me"},
        encryption=EncryptionInput(algorithm="AES-128-CFB", key="KEYkeyKEYkey1234",
                                   iv="IVivIVivIVivIViv"),
    ))


def test_rotation_keeps_old_values_readable_then_reencrypts_them(alice, settings):
    use_keys(settings, OLD)
    profile = make_secret_profile(alice.account)
    secret = profile.signing_secret
    delivery_create(profile=profile, event="SMS-sent", variables={"status": "DELIVRD"},
                    source_type="sms_message", source_id="m-1")

    use_keys(settings, NEW, OLD)  # the new key first: it encrypts, both decrypt
    reloaded = CallbackProfile.objects.get(pk=profile.pk)
    assert reloaded.signing_secret == secret
    assert ProfileHeader.objects.get(profile=profile).value == "sk_live_rotate_me"
    assert all(readable_with(OLD, t) for t in stored("profiles_profileheader", "value"))

    out = StringIO()
    call_command("reencrypt_secrets", stdout=out)
    counts = json.loads(out.getvalue())["reencrypted"]

    assert counts["profiles.CallbackProfile"] == 1
    assert counts["profiles.ProfileHeader"] == 1
    assert counts["profiles.ProfileEncryption"] == 1
    assert counts["delivery.Delivery"] == 1
    for table, column in [("profiles_profileheader", "value"),
                          ("profiles_callbackprofile", "signing_secret"),
                          ("profiles_profileencryption", "key"),
                          ("delivery_delivery", "request_headers")]:
        assert all(readable_with(NEW, t) and not readable_with(OLD, t)
                   for t in stored(table, column)), table

    use_keys(settings, NEW)  # the old key can go now
    reloaded = CallbackProfile.objects.get(pk=profile.pk)
    assert reloaded.signing_secret == secret
    assert reloaded.encryption.key == "KEYkeyKEYkey1234"
    assert ProfileHeader.objects.get(profile=profile).value == "sk_live_rotate_me"
    assert Delivery.objects.get().headers["X-Api-Key"] == "sk_live_rotate_me"


def test_reencrypting_twice_rewrites_nothing_the_second_time(alice, settings):
    use_keys(settings, OLD)
    make_secret_profile(alice.account)
    use_keys(settings, NEW, OLD)
    call_command("reencrypt_secrets", stdout=StringIO())

    out = StringIO()
    call_command("reencrypt_secrets", stdout=out)

    assert set(json.loads(out.getvalue())["reencrypted"].values()) == {0}


def test_a_value_under_a_removed_key_fails_with_a_clear_message(alice, settings):
    use_keys(settings, OLD)
    profile = make_secret_profile(alice.account)
    use_keys(settings, NEW)  # OLD dropped before re-encrypting

    try:
        CallbackProfile.objects.get(pk=profile.pk)
    except ValueError as exc:
        assert "reencrypt_secrets" in str(exc)
    else:
        raise AssertionError("reading with the wrong key must fail")
