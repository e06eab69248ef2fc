"""Header values, AES keys/IVs and signing secrets never sit in the database as plaintext."""

from __future__ import annotations

from django.db import connection

SECRETS = {
    "header": "Bearer sk_live_SUPERSECRET_HEADER",
    "key": "KEYkeyKEYkey1234",
    "iv": "IVivIVivIVivIViv",
}


def test_a_database_dump_shows_no_plaintext_secret(alice):
    response = alice.api().post(
        f"/v1/{alice.sid}/callback/profiles",
        {
            "title": "Secret holder", "channel": "sms", "http_method": "POST",
            "url": "https://example.com/cb",
            "headers": {"Authorization": SECRETS["header"]},
            "enc": {"algo": "AES-128-CFB", "key": SECRETS["key"], "IV": SECRETS["iv"]},
        },
        format="json",
    )
    assert response.status_code == 201
    signing_secret = response.json()["data"]["signing_secret"]

    dump = []
    with connection.cursor() as cursor:
        for table in ["profiles_callbackprofile", "profiles_profileheader",
                      "profiles_profileencryption"]:
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - fixed table names
            dump += [str(value) for row in cursor.fetchall() for value in row]
    text = "\n".join(dump)
    for secret in [*SECRETS.values(), signing_secret]:
        assert secret not in text
    assert "Authorization" in text  # header names stay readable (and searchable)

    # ... while the owner still reads them back.
    profile_id = response.json()["data"]["profile_id"]
    data = alice.api().get(f"/v1/{alice.sid}/callback/profiles/{profile_id}").json()["data"]
    assert data["headers"]["Authorization"] == SECRETS["header"]
    assert (data["enc"]["key"], data["enc"]["IV"]) == (SECRETS["key"], SECRETS["iv"])


def test_api_keys_are_stored_hashed(alice):
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_apikey")
        text = "\n".join(str(v) for row in cursor.fetchall() for v in row)
    assert alice.api_key not in text
    assert alice.api_key[:8] in text  # the prefix, to recognise a key
