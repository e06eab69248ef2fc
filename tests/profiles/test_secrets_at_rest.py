"""No secret sits in the database as plaintext: a dump of *every* table, after secrets went
through every path that stores something (profile, rotation, delivery, request inbox), shows
none of them."""

from __future__ import annotations

from django.db import connection
from django.test import Client

from delivery.inbox import inbox_get_or_create
from delivery.services import delivery_create
from profiles.models import CallbackProfile
from profiles.services import profile_rotate_signing_secret

SECRETS = {
    "header": "Bearer sk_live_SUPERSECRET_HEADER",
    "key": "KEYkeyKEYkey1234",
    "iv": "IVivIVivIVivIViv",
    "client_secret": "cs_live_CLIENTSECRET_9",
    "inbox_token": "tok_INBOX_RECEIVED_CREDENTIAL",
}


def dump_every_table() -> str:
    values = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            values += [str(value) for row in cursor.fetchall() for value in row]
    return "\n".join(values)


def test_a_dump_of_every_table_shows_no_plaintext_secret(alice):
    response = alice.api().post(
        f"/v1/{alice.sid}/callback/profiles",
        {
            "title": "Secret holder", "channel": "sms", "http_method": "POST",
            "url": "https://example.com/cb",
            "headers": {"X-Api-Key": SECRETS["header"]},
            "enc": {"algo": "AES-128-CFB", "key": SECRETS["key"], "IV": SECRETS["iv"]},
            "auth": {"token_url": "https://example.com/token", "client_id": "acme",
                     "client_secret": SECRETS["client_secret"]},
        },
        format="json",
    )
    assert response.status_code == 201
    profile = CallbackProfile.objects.get()
    signing_secrets = [profile.signing_secret]
    profile_rotate_signing_secret(profile=profile)  # the old one is now a retired row
    signing_secrets.append(profile.signing_secret)
    delivery_create(profile=profile, event="SMS-sent", variables={"status": "DELIVRD"},
                    source_type="sms_message", source_id="x:1")
    inbox = inbox_get_or_create(account=alice.account)
    Client().post(f"/inbox/{inbox.token}/", data="{}", content_type="application/json",
                  HTTP_AUTHORIZATION=f"Bearer {SECRETS['inbox_token']}")

    text = dump_every_table()

    for secret in [*SECRETS.values(), *signing_secrets]:
        assert secret not in text
    assert "X-Api-Key" in text  # header names stay readable (and searchable)

    # ... while the owner still reads them back, explicitly.
    url = f"/v1/{alice.sid}/callback/profiles/{profile.profile_id}/secrets"
    data = alice.api().get(url).json()["data"]
    assert data["headers"]["X-Api-Key"] == SECRETS["header"]
    assert (data["enc"]["key"], data["enc"]["IV"]) == (SECRETS["key"], SECRETS["iv"])
    assert data["signing_secrets"] == list(reversed(signing_secrets))


def test_api_keys_are_stored_hashed(alice):
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_apikey")
        text = "\n".join(str(v) for row in cursor.fetchall() for v in row)
    assert alice.api_key not in text
    assert alice.api_key[:8] in text  # the prefix, to recognise a key
