"""POST /v1/<sid>/messages with `Idempotency-Key`: a retried request gets the first answer and
sends nothing twice; a key reused for other parameters is refused; keys expire after 24 h."""

from __future__ import annotations

import threading
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.db import close_old_connections, connection
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import IdempotencyKey
from sms.models import Message

SEND = {"to": "+919876543210,+919876543211", "body": "Your OTP is 5556."}


def send(actor, data=None, key="order-42-attempt", form=False):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    if form:
        headers["content_type"] = "application/x-www-form-urlencoded"
        return actor.api().post(f"/v1/{actor.sid}/messages", urlencode(data or SEND), **headers)
    return actor.api().post(f"/v1/{actor.sid}/messages", data or SEND, format="json", **headers)


def test_a_retry_with_the_same_key_replays_the_first_answer_and_sends_nothing(alice):
    first = send(alice)
    retry = send(alice)

    assert first.status_code == retry.status_code == 202
    assert retry.json() == first.json()
    assert first["Idempotent-Replayed"] == "false"
    assert retry["Idempotent-Replayed"] == "true"
    assert Message.objects.count() == 2


def test_without_a_key_every_request_sends(alice):
    send(alice, key=None)
    send(alice, key=None)

    assert Message.objects.count() == 4


def test_form_encoded_retries_are_recognised_too(alice):
    first = send(alice, form=True)
    retry = send(alice, form=True)

    assert retry.json() == first.json()
    assert Message.objects.count() == 2


def test_the_same_key_with_other_parameters_is_a_422(alice):
    send(alice)

    response = send(alice, {**SEND, "body": "A different text"})

    assert response.status_code == 422
    payload = response.json()
    assert payload["code"] == "RBC302" and payload["status"] == 422
    assert payload["message"].startswith("header/Idempotency-Key was already used for a different")
    assert Message.objects.count() == 2


def test_keys_belong_to_one_account(alice, charlie):
    send(alice)
    other = send(charlie)

    assert other.status_code == 202 and other["Idempotent-Replayed"] == "false"
    assert Message.objects.filter(account=charlie.account).count() == 2


def test_a_key_expires_after_24_hours(alice):
    first = send(alice)
    IdempotencyKey.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    again = send(alice)

    assert again.status_code == 202 and again["Idempotent-Replayed"] == "false"
    assert again.json()["data"]["id"] != first.json()["data"]["id"]
    assert Message.objects.count() == 4
    assert IdempotencyKey.objects.count() == 1  # the expired one was cleaned up


def test_a_refused_request_stores_nothing_so_the_fix_can_reuse_the_key(alice):
    refused = send(alice, {**SEND, "to": "12ab"})
    fixed = send(alice)

    assert refused.status_code == 400
    assert fixed.status_code == 202 and fixed["Idempotent-Replayed"] == "false"


@pytest.mark.parametrize(("key", "message"), [
    ("", "header/Idempotency-Key must NOT be empty"),
    ("k" * 256, "header/Idempotency-Key must NOT have more than 255 characters"),
    ("clé-☃", "header/Idempotency-Key must be printable ASCII"),
])
def test_a_malformed_key_is_a_400_naming_the_header(alice, key, message):
    response = send(alice, key=key)

    assert response.status_code == 400
    assert response.json()["message"] == message
    assert Message.objects.count() == 0


@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.django_db(transaction=True)
def test_two_racing_retries_on_postgresql_send_once(alice):
    barrier = threading.Barrier(2)
    answers: list = []

    def post():
        try:
            client = APIClient()
            client.credentials(HTTP_API_KEY=alice.api_key)
            barrier.wait()
            answers.append(client.post(f"/v1/{alice.sid}/messages", SEND, format="json",
                                       HTTP_IDEMPOTENCY_KEY="race-1"))
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [a.status_code for a in answers] == [202, 202]
    assert answers[0].json() == answers[1].json()
    assert sorted(a["Idempotent-Replayed"] for a in answers) == ["false", "true"]
    assert Message.objects.count() == 2
