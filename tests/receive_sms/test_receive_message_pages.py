"""Channels → SMS → Manage: Sender ID, Receive Message (configurations) and Logs pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from receive_sms.models import IncomingMessage, ReceiveConfiguration, SenderId
from receive_sms.services import incoming_sms_receive, vmn_provision

from .conftest import ALICE_VMN


@pytest.fixture
def charlie_client(client, charlie):
    client.force_login(charlie.user)
    return client


def test_channels_page_has_an_sms_card_with_manage(alice_client):
    page = alice_client.get("/channels/").content.decode()

    assert "SMS" in page
    assert 'href="/channels/sms/"' in page and "Manage" in page


def test_pages_need_a_login(client):
    response = client.get("/channels/sms/receive/")

    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_manage_opens_on_the_sender_id_tab_and_adds_one(alice_client, alice):
    page = alice_client.get("/channels/sms/").content.decode()
    assert "Sender ID" in page and "Receive Message" in page and "Logs" in page

    response = alice_client.post("/channels/sms/", {"sender_id": "klrhxa"}, follow=True)
    bad = alice_client.post("/channels/sms/", {"sender_id": "no spaces!"})

    assert "KLRHXA" in response.content.decode()
    assert SenderId.objects.get().account == alice.account
    assert "must be 3 to 11 letters or digits" in bad.content.decode()


def test_receive_message_tab_lists_only_this_accounts_configurations(
    alice_client, alice, charlie, alice_vmn, charlie_vmn, make_configuration
):
    make_configuration(alice, alice_vmn, keyword="STOP")
    make_configuration(charlie, charlie_vmn, keyword="CHARLIEKW")

    page = alice_client.get("/channels/sms/receive/").content.decode()

    assert "STOP" in page and ALICE_VMN in page
    assert "CHARLIEKW" not in page
    assert "New Configuration" in page


def test_new_configuration_form_offers_only_this_accounts_profiles(
    alice_client, alice, charlie, alice_vmn, make_profile
):
    make_profile(alice, title="Alice hook")
    make_profile(charlie, title="Charlie hook")

    page = alice_client.get("/channels/sms/receive/new/").content.decode()

    assert "Trigger URL" in page and "Callback ID" in page and "Callback Profile" in page
    assert "Alice hook" in page and "Charlie hook" not in page


def test_new_configuration_is_created_and_listed(alice_client, alice, alice_vmn, make_profile):
    profile = make_profile(alice)

    response = alice_client.post("/channels/sms/receive/new/", {
        "vmn": alice_vmn.pk, "keyword": "stop", "trigger_url": "on",
        "trigger_type": "callback_id", "callback_profile": profile.pk, "active": "on",
    }, follow=True)

    configuration = ReceiveConfiguration.objects.get()
    assert (configuration.keyword, configuration.callback_profile) == ("STOP", profile)
    assert "The configuration is created." in response.content.decode()
    assert response.redirect_chain[-1][0] == "/channels/sms/receive/"


@pytest.mark.parametrize(("fields", "error"), [
    ({"keyword": "two words", "trigger_url": "on"}, "Keyword must be a single word"),
    ({"keyword": "STOP", "trigger_url": "on"}, "Callback Profile is required when Trigger URL"),
    ({"keyword": "", "expires_at": "2030-01-01T10:00"},
     "Expires at is only allowed on a keyword configuration"),
])
def test_new_configuration_errors_show_next_to_the_field(alice_client, alice_vmn, fields, error):
    response = alice_client.post("/channels/sms/receive/new/", {
        "vmn": alice_vmn.pk, "trigger_type": "callback_id", "active": "on", **fields,
    })

    assert response.status_code == 200
    assert error in response.content.decode()
    assert ReceiveConfiguration.objects.count() == 0


def test_new_configuration_cannot_use_another_accounts_number_or_profile(
    alice_client, charlie, alice_vmn, charlie_vmn, make_profile
):
    charlies = make_profile(charlie)

    response = alice_client.post("/channels/sms/receive/new/", {
        "vmn": charlie_vmn.pk, "keyword": "X", "trigger_url": "on",
        "trigger_type": "callback_id", "callback_profile": charlies.pk,
    })

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert ReceiveConfiguration.objects.count() == 0


def test_edit_configuration(alice_client, alice, alice_vmn, make_configuration):
    configuration = make_configuration(alice, alice_vmn, keyword="STOP")
    url = f"/channels/sms/receive/{configuration.public_id}/edit/"

    page = alice_client.get(url).content.decode()
    response = alice_client.post(url, {"vmn": alice_vmn.pk, "keyword": "QUIT",
                                       "trigger_type": "callback_id", "subscribe": "on",
                                       "subscribe_list": "Offers"})

    assert 'value="STOP"' in page
    assert response.status_code == 302
    configuration.refresh_from_db()
    assert configuration.keyword == "QUIT" and configuration.active is False


def test_delete_asks_for_confirmation_then_deletes(
    alice_client, alice, alice_vmn, make_configuration
):
    configuration = make_configuration(alice, alice_vmn, keyword="STOP")
    url = f"/channels/sms/receive/{configuration.public_id}/delete/"

    confirm = alice_client.get(url)
    assert "Delete configuration?" in confirm.content.decode()
    assert ReceiveConfiguration.objects.count() == 1

    response = alice_client.post(url)

    assert response.status_code == 302
    assert ReceiveConfiguration.objects.count() == 0


def test_the_stranger_gets_404_on_configuration_pages(
    charlie_client, alice, alice_vmn, make_configuration
):
    configuration = make_configuration(alice, alice_vmn, keyword="STOP")
    base = f"/channels/sms/receive/{configuration.public_id}"

    assert charlie_client.get(f"{base}/edit/").status_code == 404
    assert charlie_client.post(f"{base}/edit/", {"keyword": "X"}).status_code == 404
    assert charlie_client.get(f"{base}/delete/").status_code == 404
    assert charlie_client.post(f"{base}/delete/").status_code == 404
    assert ReceiveConfiguration.objects.get().keyword == "STOP"


def test_the_stranger_cannot_simulate_on_your_number(charlie_client, charlie_vmn, alice_vmn):
    response = charlie_client.post("/channels/sms/receive/simulate/", {
        "to": ALICE_VMN, "source": "+919812345678", "message": "hi",
    })

    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert IncomingMessage.objects.count() == 0


def test_the_stranger_does_not_see_your_logs(charlie_client, alice, alice_vmn):
    incoming_sms_receive(to=ALICE_VMN, source="+919812345678", message="secret hello")

    page = charlie_client.get("/channels/sms/receive/logs/").content.decode()

    assert "secret hello" not in page and "No incoming messages" in page


def test_simulate_form_logs_the_message(alice_client, alice, alice_vmn, make_configuration):
    make_configuration(alice, alice_vmn, keyword="STOP")

    response = alice_client.post("/channels/sms/receive/simulate/", {
        "to": ALICE_VMN, "source": "+919812345678", "message": "STOP testing message",
        "operator": "JIO", "circle": "JIO ASSAM",
    }, follow=True)

    page = response.content.decode()
    assert "matched STOP" in page
    assert "STOP testing message" in page and "JIO ASSAM" in page
    assert IncomingMessage.objects.get().matched is True


def test_simulate_form_reports_bad_input(alice_client, alice_vmn):
    response = alice_client.post("/channels/sms/receive/simulate/", {
        "to": ALICE_VMN, "source": "", "message": "",
    })

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert IncomingMessage.objects.count() == 0


def test_logs_show_the_callback_outcome_with_a_link_to_the_delivery(
    alice_client, alice, alice_vmn, make_profile, make_configuration
):
    make_configuration(alice, alice_vmn, make_profile(alice), keyword="")
    incoming = incoming_sms_receive(to=ALICE_VMN, source="+919812345678", message="hello")
    incoming_sms_receive(to=ALICE_VMN, source="+919812345678", message="again")

    page = alice_client.get("/channels/sms/receive/logs/").content.decode()

    assert f'href="/deliveries/{incoming.callback_delivery_id}/"' in page
    assert "Pending" in page and "Incoming hook" in page


def test_logs_filter_by_number_keyword_and_date(alice_client, alice, alice_vmn,
                                                 make_configuration):
    other = vmn_provision(account=alice.account, number="+919870055555")
    make_configuration(alice, alice_vmn, keyword="STOP")
    incoming_sms_receive(to=ALICE_VMN, source="+919812345678", message="STOP first")
    incoming_sms_receive(to=ALICE_VMN, source="+919812345678", message="other second")
    old = incoming_sms_receive(to=other.number, source="+919812345678", message="third old")
    IncomingMessage.objects.filter(pk=old.pk).update(
        received_at=timezone.now() - timedelta(days=10)
    )
    logs = "/channels/sms/receive/logs/"
    today = timezone.now().date().isoformat()

    by_keyword = alice_client.get(logs, {"keyword": "stop"}).content.decode()
    by_number = alice_client.get(logs, {"number": "55555"}).content.decode()
    by_date = alice_client.get(logs, {"date_from": today}).content.decode()

    assert "STOP first" in by_keyword and "other second" not in by_keyword
    assert "third old" in by_number and "STOP first" not in by_number
    assert "third old" not in by_date and "other second" in by_date


def test_logs_are_paginated_with_a_fixed_number_of_queries(
    alice_client, alice, alice_vmn, make_profile, make_configuration
):
    make_configuration(alice, alice_vmn, make_profile(alice), keyword="")
    incoming_sms_receive(to=ALICE_VMN, source="+919812345678", message="one")
    with CaptureQueriesContext(connection) as few:
        alice_client.get("/channels/sms/receive/logs/")
    for index in range(30):
        incoming_sms_receive(to=ALICE_VMN, source="+919812345678", message=f"msg {index}")
    with CaptureQueriesContext(connection) as many:
        first = alice_client.get("/channels/sms/receive/logs/").content.decode()
    second = alice_client.get("/channels/sms/receive/logs/", {"page": 2}).content.decode()

    assert len(many) == len(few)
    assert "Page 1 of 2" in first and "msg 29" in first and ">one<" not in first
    assert "Page 2 of 2" in second and ">one<" in second


def test_a_user_without_account_is_told_so(client, db):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("lonely@example.com", password="x" * 12)
    client.force_login(user)

    assert client.get("/channels/sms/receive/").status_code == 403
