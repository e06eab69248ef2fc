"""/sms/logs/: the account's sent messages, their status and callback delivery."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sms.models import Message
from sms.services import message_send
from tests.support.background import settle_message_now


def login(client, actor):
    assert client.login(username=actor.user.username, password=actor.password)
    return client


@pytest.fixture
def sent(alice, make_profile, httpserver, run_tasks, django_capture_on_commit_callbacks):
    httpserver.expect_request("/dlr", method="POST").respond_with_data("ok")
    profile = make_profile(alice, url=httpserver.url_for("/dlr"))
    with django_capture_on_commit_callbacks(execute=True):
        result = message_send(account=alice.account, to="+919876543210,+919876500000",
                              body="a" * 161, callback_profile_id=profile.profile_id)
    run_tasks()
    return result


def test_logs_show_recipient_status_units_price_and_callback(client, alice, sent):
    page = login(client, alice).get("/sms/logs/")
    assert page.status_code == 200
    html = page.content.decode()
    delivered, blocked = sent.messages
    for message in (delivered, blocked):
        message.refresh_from_db()
        assert message.recipient in html
        assert message.message_id in html
        assert f'href="/deliveries/{message.callback_delivery_id}/"' in html
    assert "Delivered" in html and "Undelivered" in html and "UNDELIV" in html
    assert "0.002708" in html  # India, 2 units
    assert "Succeeded (200)" in html


def test_logs_filter_by_status_and_recipient(client, alice, sent):
    login(client, alice)
    html = client.get("/sms/logs/?status=Undelivered").content.decode()
    assert "+919876500000" in html and "+919876543210" not in html
    html = client.get("/sms/logs/?q=9876543210").content.decode()
    assert "+919876543210" in html and "+919876500000" not in html
    html = client.get(f"/sms/logs/?request={sent.request_id}").content.decode()
    assert "+919876543210" in html and "+919876500000" in html
    html = client.get("/sms/logs/?status=Failed").content.decode()
    assert "No messages match these filters." in html


def test_logs_paginate_with_a_fixed_number_of_queries(client, alice, sms_settings):
    login(client, alice)
    message_send(account=alice.account, to="+919876543210", body="first")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/sms/logs/").status_code == 200
        return len(captured)

    few = queries()
    numbers = ",".join(f"+9198765432{n:02d}" for n in range(40))
    message_send(account=alice.account, to=numbers, body="many")
    for message in Message.objects.all():
        settle_message_now(message_pk=message.pk)
    assert queries() == few
    html = client.get("/sms/logs/").content.decode()
    assert "Page 1 of 2" in html
    assert "Page 2 of 2" in client.get("/sms/logs/?page=2").content.decode()


def test_the_teammate_sees_the_accounts_messages(client, alice, bob, sent):
    html = login(client, bob).get("/sms/logs/").content.decode()
    assert sent.messages[0].message_id in html


def test_the_stranger_sees_none_of_alices_messages(client, alice, charlie, sent):
    html = login(client, charlie).get("/sms/logs/").content.decode()
    assert sent.messages[0].message_id not in html
    assert "No messages." in html


def test_message_detail_lists_the_callback_variables(client, alice, sent):
    message = sent.messages[1]
    page = login(client, alice).get(f"/sms/logs/{message.message_id}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Rejected as the number is blacklisted by operator" in html
    assert "&lt;message_id&gt;" in html and "&lt;country_name&gt;" in html and "India" in html


def test_the_stranger_gets_404_on_message_detail(client, alice, charlie, sent):
    page = login(client, charlie).get(f"/sms/logs/{sent.messages[0].message_id}/")
    assert page.status_code == 404


def test_pages_need_login(client, alice):
    assert client.get("/sms/logs/").status_code == 302
    assert client.get("/sms/send/").status_code == 302
