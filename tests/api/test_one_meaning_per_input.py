"""Every input means one thing: a field given twice is refused naming it (never one value
silently winning, never a recipient added), a number given twice in `to` is refused, bodies
must be UTF-8 in every content type, and integer query parameters take digits only."""

from __future__ import annotations

import pytest

from sms.models import Message

FORM = "application/x-www-form-urlencoded"


def send_form(actor, client, body: str):
    return client.post(f"/v1/{actor.sid}/messages", body, content_type=FORM,
                       HTTP_API_KEY=actor.api_key)


def refused(response, field: str, message: str):
    assert response.status_code == 400, response.content
    payload = response.json()
    assert payload["code"] == "RBC302" and payload["status"] == 400
    assert payload["message"] == message
    assert payload["error"][0] == {field: message}


@pytest.mark.parametrize(("body", "field"), [
    ("to=%2B919876543210&to=%2B919876543211&body=Hi", "to"),
    ("to=%2B919876543210&body=one&body=two", "body"),
    ("to=%2B919876543210&body=Hi&type=OTP&type=TXN", "type"),
])
def test_a_repeated_form_field_is_refused_naming_it(alice, client, body, field):
    response = send_form(alice, client, body)

    refused(response, field, f"body/{field} must be given once, not repeated")
    assert Message.objects.count() == 0


def test_a_repeated_json_property_is_refused(alice):
    response = alice.api().post(f"/v1/{alice.sid}/messages",
                                '{"to": "+919876543210", "body": "a", "body": "b"}',
                                content_type="application/json")

    assert response.status_code == 400
    assert response.json()["message"] == (
        "body is not valid JSON: the property 'body' is given more than once")
    assert Message.objects.count() == 0


@pytest.mark.parametrize("to", [
    "+919876543210,+919876543210",
    "+919876543210, 919876543210",  # the same number written two ways
    ["+919876543210", "+919876543211", "+919876543210"],
])
def test_a_number_given_twice_is_refused_not_sent_twice(alice, to):
    response = alice.api().post(f"/v1/{alice.sid}/messages", {"to": to, "body": "Hi"},
                                format="json")

    refused(response, "to", "body/to must NOT repeat a number: +919876543210 is given more "
                             "than once")
    assert Message.objects.count() == 0


@pytest.mark.parametrize("body", ["to=%2B919876543210&body=%ff%fe",
                                  "to=%2B919876543210&body=caf\xe9".encode("latin-1")])
def test_invalid_utf8_in_a_form_body_is_a_400(alice, client, body):
    response = send_form(alice, client, body)

    refused(response, "body", "body must be UTF-8 (percent-escapes included)")
    assert Message.objects.count() == 0


def test_valid_utf8_in_a_form_body_is_kept(alice, client):
    response = send_form(alice, client, "to=%2B919876543210&body=caf%C3%A9+%E2%82%AC")

    assert response.status_code == 202, response.content
    assert Message.objects.get().body == "café €"


@pytest.mark.parametrize("query", ["offset=0.0", "offset=1.5", "offset=1e3", "limit=10.0",
                                   "limit=+5", "offset= 1"])
def test_integer_query_parameters_take_digits_only(alice, query):
    response = alice.api().get(f"/v1/{alice.sid}/callback/profiles?{query}")

    name = query.split("=")[0]
    refused(response, name, f"query/{name} must be integer")


def test_a_repeated_query_parameter_is_refused(alice):
    response = alice.api().get(f"/v1/{alice.sid}/callback/profiles?limit=5&limit=10")

    refused(response, "limit", "query/limit must be given once, not repeated")


def test_invalid_utf8_in_a_query_string_is_a_400(alice):
    response = alice.api().get(f"/v1/{alice.sid}/callback/profiles?title=%ff%fe")

    refused(response, "query", "query must be UTF-8 (percent-escapes included)")
