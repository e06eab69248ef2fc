"""Every bad query parameter of a list endpoint is a 400 naming `query/<name>`; none is ignored."""

from __future__ import annotations

import pytest

LISTS = ["callback/profiles", "callback/deliveries", "receive-sms/configurations",
         "receive-sms/numbers", "receive-sms/messages"]


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize(("query", "message"), [
    ("limit=abc", "query/limit must be integer"),
    ("limit=0", "query/limit must be >= 1"),
    ("limit=101", "query/limit must be <= 100"),
    ("offset=-3", "query/offset must be >= 0"),
    ("no_such_filter=1", "query/no_such_filter is not a known parameter"),
])
def test_bad_paging_and_unknown_parameters_are_named(alice, path, query, message):
    response = alice.api().get(f"/v1/{alice.sid}/{path}?{query}")

    assert response.status_code == 400
    assert response.json()["code"] == "RBC302"
    assert response.json()["message"] == message


def test_a_bad_channel_filter_is_labelled_query(alice):
    response = alice.api().get(f"/v1/{alice.sid}/callback/dynamic-variables?channel=fax")

    assert response.status_code == 400
    assert response.json()["message"] == "query/channel must be one of: sms, default"


@pytest.mark.parametrize(("query", "message"), [
    ("callback/profiles?http_method=FETCH",
     "query/http_method must be one of: GET, POST, PUT, DELETE"),
    ("callback/profiles?status=9", "query/status must be one of: 1, 2, 3"),
])
def test_a_bad_choice_filter_names_the_choices(alice, query, message):
    response = alice.api().get(f"/v1/{alice.sid}/{query}")

    assert response.status_code == 400
    assert response.json()["message"] == message


def test_good_paging_still_works(alice):
    response = alice.api().get(f"/v1/{alice.sid}/callback/profiles?limit=100&offset=0")

    assert response.status_code == 200
    assert response.json()["data"]["limit"] == 100


def test_a_bad_host_header_names_the_host(client, alice):
    response = client.get(f"/v1/{alice.sid}/callback/profiles", HTTP_HOST="evil.example")

    assert response.status_code == 400
    payload = response.json()
    assert payload["code"] == "RBC302"
    assert payload["message"] == "header/Host evil.example is not an allowed host"


@pytest.mark.parametrize("query", ["limit=", "offset=", "status="])
def test_an_empty_value_is_an_error_not_a_missing_filter(alice, query):
    response = alice.api().get(f"/v1/{alice.sid}/callback/profiles?{query}")

    assert response.status_code == 400
    assert response.json()["message"] == f"query/{query[:-1]} must NOT be empty"


def test_an_empty_text_filter_is_allowed(alice):
    assert alice.api().get(f"/v1/{alice.sid}/callback/profiles?title=").status_code == 200
