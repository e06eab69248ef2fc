"""The carrier endpoint under replays and hostile input: a replayed post is recognised (by the
carrier's message id, or sender + text within the window) and fires nothing twice; NUL bytes
and numbers phonenumbers refuses are a clear 400 on every database."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import close_old_connections, connection
from django.test import Client
from pytest_httpserver import HTTPServer

from delivery.models import Delivery
from receive_sms.models import IncomingMessage
from receive_sms.services import incoming_sms_receive

from .conftest import ALICE_VMN
from .test_inbound_endpoint import FORM, TOKEN, post


@pytest.fixture(autouse=True)
def inbound_token(settings):
    settings.INBOUND_SMS_TOKEN = TOKEN
    settings.CALLBACK_ALLOW_PRIVATE_NETWORKS = True


@pytest.fixture
def firing(alice, alice_vmn, make_profile, make_configuration, httpserver: HTTPServer):
    httpserver.expect_request("/in").respond_with_data("ok")
    profile = make_profile(alice, url=httpserver.url_for("/in"))
    make_configuration(alice, alice_vmn, profile)
    return profile


def test_a_replayed_post_with_the_carrier_message_id_is_stored_and_fired_once(client, firing):
    first = post(client, {**FORM, "message_id": "carrier-42"})
    again = post(client, {**FORM, "message_id": "carrier-42"})

    assert first.status_code == again.status_code == 200
    assert again.json()["data"]["duplicate"] is True
    assert again.json()["data"]["id"] == first.json()["data"]["id"]
    assert first.json()["data"]["duplicate"] is False
    assert IncomingMessage.objects.count() == 1
    assert Delivery.objects.count() == 1


def test_different_carrier_ids_are_different_messages_even_with_the_same_text(client, firing):
    post(client, {**FORM, "message_id": "carrier-1"})
    post(client, {**FORM, "message_id": "carrier-2"})

    assert IncomingMessage.objects.count() == 2
    assert Delivery.objects.count() == 2


def test_without_an_id_the_same_sender_and_text_within_the_window_is_a_replay(client, firing):
    post(client)
    again = post(client)

    assert again.json()["data"]["duplicate"] is True
    assert IncomingMessage.objects.count() == 1
    assert Delivery.objects.count() == 1


def test_the_same_text_after_the_window_is_a_new_message(client, firing, settings):
    post(client)
    IncomingMessage.objects.update(
        received_at=IncomingMessage.objects.get().received_at
        - timedelta(seconds=settings.INBOUND_DEDUP_WINDOW_SECONDS + 1)
    )

    again = post(client)

    assert again.json()["data"]["duplicate"] is False
    assert IncomingMessage.objects.count() == 2


def test_the_simulate_form_and_command_path_does_not_swallow_repeats(alice, alice_vmn):
    for _ in range(2):
        incoming_sms_receive(to=ALICE_VMN, source="+919812345678", message="YES")

    assert IncomingMessage.objects.count() == 2


@pytest.mark.parametrize("field", ["message", "operator", "circle", "message_id"])
def test_a_nul_byte_is_a_clear_400_and_nothing_is_stored(client, alice, alice_vmn, field):
    response = post(client, {**FORM, field: "bad\x00value"})

    assert response.status_code == 400
    assert response.json()["message"] == f"body/{field} must NOT contain NUL (\\u0000) characters"
    assert IncomingMessage.objects.count() == 0


@pytest.mark.parametrize("source", ["+1555", "+15550000000", "not a number", "+91 98123\x00"])
def test_from_must_be_a_valid_number_by_the_same_rule_as_sms_send(client, alice, alice_vmn,
                                                                   source):
    response = post(client, {**FORM, "from": source})

    assert response.status_code == 400
    assert response.json()["message"] == "body/from must be a valid international phone number"
    assert IncomingMessage.objects.count() == 0


@pytest.mark.parametrize("source", ["919812345678", "0091 98123 45678", "+91 (98123) 45678"])
def test_from_is_stored_as_e164(client, alice, alice_vmn, source):
    response = post(client, {**FORM, "from": source})

    assert response.status_code == 200
    assert IncomingMessage.objects.get().source == "+919812345678"


def test_vmn_numbers_follow_the_same_rule(alice):
    from common.errors import InvalidInput
    from receive_sms.services import vmn_provision

    with pytest.raises(InvalidInput):
        vmn_provision(account=alice.account, number="+15550000000")  # right length, not valid
    assert vmn_provision(account=alice.account, number="0091 98700 12345").number == ALICE_VMN


@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.django_db(transaction=True)
def test_two_racing_replays_on_postgresql_store_one_message(alice, alice_vmn):
    barrier = threading.Barrier(2)
    answers: list = []

    def replay():
        try:
            client = Client()
            barrier.wait()
            answers.append(post(client, {**FORM, "message_id": "carrier-race"}))
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=replay) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [a.status_code for a in answers] == [200, 200]
    assert sorted(a.json()["data"]["duplicate"] for a in answers) == [False, True]
    assert IncomingMessage.objects.count() == 1
