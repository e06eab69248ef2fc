"""The profile REST API: envelope, codes, CRUD, filters, pagination, tenancy."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from profiles.masking import MASK
from profiles.models import CallbackProfile

SAMPLE = {
    "title": "Callback_Profile_Test_1",
    "channel": "sms",
    "http_method": "POST",
    "url": "https://example.com/cb",
    "enc": {"algo": "AES-128-GCM", "key": "12xxxxxxxxxxxx34", "IV": "12xxxxxxxxxxxx38"},
    "headers": {"x-api-key": "A-RANDOM-API-KEY"},
    "body": {"name": "John Doe", "status": "<status>"},
    "response_message": "Expected response message",
    "events": "SMS-sent",
}


def url(actor, suffix=""):
    return f"/v1/{actor.sid}/callback/profiles{suffix}"


def make(actor, **changes):
    response = actor.api().post(url(actor), {**SAMPLE, **changes}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()["data"]


def test_create_returns_the_documented_envelope(alice):
    response = alice.api().post(url(alice), SAMPLE, format="json")
    assert response.status_code == 201
    payload = response.json()
    assert set(payload) == {"code", "message", "data", "error", "status"}
    assert payload["code"] == "RBC024"
    assert payload["message"] == "Profile created successfully"
    assert payload["status"] == 201
    data = payload["data"]
    assert data["profile_id"].startswith("IN_") and len(data["profile_id"]) == 39
    assert data["status"] == 1
    assert data["events"] == ["SMS-sent"]
    assert data["headers"] == {"x-api-key": MASK}  # secrets are masked; .../secrets reveals
    assert data["body"] == {"name": "John Doe", "status": "<status>"}
    assert data["enc"]["algo"] == "AES-128-GCM" and data["enc"]["IV"] == MASK
    secrets = alice.api().get(url(alice, f"/{data['profile_id']}/secrets")).json()["data"]
    assert secrets["headers"] == {"x-api-key": "A-RANDOM-API-KEY"}
    assert secrets["enc"]["IV"] == "12xxxxxxxxxxxx38"
    assert data["response_message"] == "Expected response message"
    assert data["created_at"].endswith("Z")


def test_get_patch_delete_round_trip(alice):
    profile_id = make(alice)["profile_id"]
    client = alice.api()

    got = client.get(url(alice, f"/{profile_id}")).json()
    assert (got["code"], got["data"]["title"]) == ("RBC024", "Callback_Profile_Test_1")

    patched = client.patch(
        url(alice, f"/{profile_id}"),
        {"title": "Renamed profile", "headers": {"X-One": "1", "X-Two": "2"}, "enc": None},
        format="json",
    ).json()
    assert patched["data"]["title"] == "Renamed profile"
    assert patched["data"]["headers"] == {"X-One": MASK, "X-Two": MASK}
    secrets = client.get(url(alice, f"/{profile_id}/secrets")).json()["data"]
    assert secrets["headers"] == {"X-One": "1", "X-Two": "2"}
    assert patched["data"]["enc"] is None
    assert patched["data"]["body"] == SAMPLE["body"]  # untouched by a partial update

    deleted = client.delete(url(alice, f"/{profile_id}"))
    assert deleted.status_code == 200 and deleted.json()["code"] == "RBC024"
    missing = client.get(url(alice, f"/{profile_id}"))
    assert missing.status_code == 404
    assert missing.json()["code"] == "RBC302"
    assert missing.json()["message"] == "No profile exists with this id"


def test_json_encoded_strings_are_accepted_like_the_original_api(alice):
    data = make(
        alice, headers='{"aa": "heyy"}', body='{"key": "<status>"}', events='["SMS-sent"]'
    )
    assert data["headers"] == {"aa": MASK}
    secrets = alice.api().get(url(alice, f"/{data['profile_id']}/secrets")).json()["data"]
    assert secrets["headers"] == {"aa": "heyy"}
    assert data["body"] == {"key": "<status>"}


@pytest.mark.parametrize("content_type", ["multipart/form-data; boundary=x",
                                          "application/x-www-form-urlencoded"])
def test_profiles_take_json_bodies_only(alice, content_type):
    # One schema per content type: the profile API documents (and takes) JSON only.
    response = alice.api().post(url(alice), "title=Form+made&http_method=GET",
                                content_type=content_type)
    assert response.status_code == 415
    assert response.json()["code"] == "RBC415"
    assert CallbackProfile.objects.count() == 0


def test_list_is_paginated_with_limit_and_offset_default_25(alice):
    for n in range(27):
        make(alice, title=f"Profile {n:02d}")
    first = alice.api().get(url(alice)).json()["data"]
    assert first["count"] == 27 and first["limit"] == 25 and len(first["results"]) == 25
    page = alice.api().get(url(alice, "?limit=10&offset=20")).json()["data"]
    assert [p["title"] for p in page["results"]] == [f"Profile {n:02d}" for n in range(6, -1, -1)]


def test_list_filters_by_title_method_and_created_range(alice):
    make(alice, title="Orders POST")
    make(alice, title="Orders GET", http_method="GET", url="https://e.com/?s=<status>", body=None)
    old = make(alice, title="Old one")
    CallbackProfile.objects.filter(profile_id=old["profile_id"]).update(
        created_at=timezone.now() - timedelta(days=10)
    )

    def titles(query):
        response = alice.api().get(url(alice, query))
        assert response.status_code == 200, response.json()
        return sorted(p["title"] for p in response.json()["data"]["results"])

    assert titles("?title=orders") == ["Orders GET", "Orders POST"]
    assert titles("?http_method=get") == ["Orders GET"]
    assert titles("?title=orders&http_method=POST") == ["Orders POST"]
    since = (timezone.now() - timedelta(days=2)).date().isoformat()
    assert titles(f"?created_from={since}") == ["Orders GET", "Orders POST"]
    until = (timezone.now() - timedelta(days=5)).date().isoformat()
    assert titles(f"?created_to={until}") == ["Old one"]


@pytest.mark.parametrize("query", ["?http_method=FETCH", "?created_from=yesterday", "?limit=abc",
                                   "?limit=0", "?offset=-1", "?titel=typo"])
def test_bad_filters_get_an_error_envelope(alice, query):
    response = alice.api().get(url(alice, query))
    assert response.status_code == 400
    assert response.json()["code"] == "RBC302"
    assert response.json()["message"].startswith("query/")


def test_teammate_sees_the_same_profiles(alice, bob):
    profile_id = make(alice)["profile_id"]
    assert bob.api().get(url(bob, f"/{profile_id}")).status_code == 200


def test_stranger_gets_404_on_every_profile_operation_and_never_sees_them(alice, charlie):
    profile_id = make(alice)["profile_id"]
    make(charlie, title="Charlie own")
    client = charlie.api()
    for response in [
        client.get(url(charlie, f"/{profile_id}")),
        client.patch(url(charlie, f"/{profile_id}"), {"title": "Hijacked"}, format="json"),
        client.delete(url(charlie, f"/{profile_id}")),
    ]:
        assert response.status_code == 404
        assert response.json()["message"] == "No profile exists with this id"
    listed = client.get(url(charlie)).json()["data"]["results"]
    assert [p["title"] for p in listed] == ["Charlie own"]
    assert CallbackProfile.objects.get(profile_id=profile_id).title == SAMPLE["title"]


@pytest.mark.parametrize(
    "headers",
    [{}, {"HTTP_API_KEY": "Anot-a-real-key"}, {"HTTP_API_KEY": "A" + "0" * 32}],
)
def test_missing_or_wrong_key_gets_401(alice, headers):
    response = alice.api().__class__().get(url(alice), **headers)
    assert response.status_code == 401
    assert response.json()["status"] == 401
    assert set(response.json()) == {"code", "message", "data", "error", "status"}


def test_a_key_works_only_for_its_own_sid(alice, charlie):
    response = charlie.api().get(f"/v1/{alice.sid}/callback/profiles")
    assert response.status_code == 401


def test_revoked_key_stops_working(alice):
    from accounts.models import ApiKey
    from accounts.services import api_key_revoke

    api_key_revoke(api_key=ApiKey.objects.get(account=alice.account))
    assert alice.api().get(url(alice)).status_code == 401


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("{not json", "application/json"),
        ("[1, 2, 3]", "application/json"),
        ('"just a string"', "application/json"),
        ("null", "application/json"),
        ("<xml/>", "application/xml"),
        ('{"title": {"nested": true}, "url": 5, "http_method": []}', "application/json"),
        ("\xff\xfe garbage", "application/json"),
    ],
)
def test_malformed_requests_get_a_4xx_envelope_never_a_500(alice, body, content_type):
    response = alice.api().post(url(alice), body, content_type=content_type)
    assert 400 <= response.status_code < 500
    payload = response.json()
    assert set(payload) == {"code", "message", "data", "error", "status"}
    assert payload["status"] == response.status_code


def test_huge_bodies_are_refused_with_413(alice):
    huge = '{"title": "' + "x" * (300 * 1024) + '"}'
    response = alice.api().post(url(alice), huge, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["code"] == "RBC413"


def test_unknown_api_path_gets_a_json_404(alice):
    response = alice.api().get(f"/v1/{alice.sid}/no/such/thing")
    assert response.status_code == 404
    assert response.json()["status"] == 404


def test_dynamic_variable_catalog(alice):
    response = alice.api().get(f"/v1/{alice.sid}/callback/dynamic-variables?channel=sms")
    assert response.status_code == 200
    (channel,) = response.json()["data"]["channels"]
    assert channel["events"] == ["SMS-sent"] and channel["http_methods"] == ["GET", "POST"]
    sent = channel["variable_sets"][0]
    names = [v["name"] for v in sent["variables"]]
    for expected in ["flash", "sent_time", "status", "message_id", "recipient", "status_trace",
                     "ref", "ref1", "ref2", "status_time"]:
        assert expected in names
    assert all(v["description"] and v["placeholder"] == f"<{v['name']}>" for v in sent["variables"])
    incoming = channel["variable_sets"][1]
    assert incoming["event"] == "SMS-incoming" and "parts[n]" in [v["name"] for v in incoming["variables"]]
    bad = alice.api().get(f"/v1/{alice.sid}/callback/dynamic-variables?channel=fax")
    assert bad.status_code == 400


def test_openapi_schema_and_docs_are_served_offline(client):
    schema = client.get("/v1/schema")
    assert schema.status_code == 200
    assert b"/v1/{sid}/callback/profiles" in schema.content
    docs = client.get("/v1/docs")
    assert docs.status_code == 200
    assert b"swagger-ui" in docs.content and b"cdn." not in docs.content


def test_response_message_limit_is_the_one_the_schema_publishes(alice, client):
    schema = client.get("/v1/schema?format=json").json()
    limit = schema["components"]["schemas"]["ProfileInput"]["properties"]["response_message"][
        "maxLength"]
    assert make(alice, title="At_the_limit", response_message="x" * limit)
    response = alice.api().post(url(alice), {**SAMPLE, "response_message": "x" * (limit + 1)},
                                format="json")
    assert response.status_code == 400
    assert response.json()["error"] == [
        {"response_message": f"body/response_message must NOT have more than {limit} characters"}]


def test_patch_status_disables_and_re_enables_but_never_sets_auto_disabled(alice):
    profile_id = make(alice)["profile_id"]
    client = alice.api()
    disabled = client.patch(url(alice, f"/{profile_id}"), {"status": 3}, format="json")
    assert disabled.json()["data"]["status"] == 3
    CallbackProfile.objects.filter(profile_id=profile_id).update(status=2)
    enabled = client.patch(url(alice, f"/{profile_id}"), {"status": 1}, format="json")
    assert enabled.json()["data"]["status"] == 1
    refused = client.patch(url(alice, f"/{profile_id}"), {"status": 2}, format="json")
    assert refused.status_code == 400
    assert refused.json()["message"] == "body/status must be 1 (active) or 3 (disabled)"
