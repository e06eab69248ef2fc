"""/sms/send/: "Send test SMS" goes through the same service as the API."""

from __future__ import annotations

from sms.models import Message


def login(client, actor):
    assert client.login(username=actor.user.username, password=actor.password)
    return client


def test_send_form_offers_only_this_accounts_sms_profiles(client, alice, charlie, make_profile):
    mine = make_profile(alice, url="http://127.0.0.1:9/dlr", title="Mine")
    default = make_profile(alice, url="http://127.0.0.1:9/x", channel="default", title="Other")
    theirs = make_profile(charlie, url="http://127.0.0.1:9/dlr", title="Theirs")
    html = login(client, alice).get("/sms/send/").content.decode()
    assert mine.profile_id in html
    assert default.profile_id not in html and theirs.profile_id not in html


def test_sending_creates_messages_and_shows_them_in_the_logs(client, alice, make_profile):
    profile = make_profile(alice, url="http://127.0.0.1:9/dlr")
    response = login(client, alice).post("/sms/send/", {
        "to": "+919876543210, +14155552671", "body": "Test from the UI", "type": "TXN",
        "sender": "KLRHXA", "callback_profile_id": profile.profile_id, "ref": "ui",
    }, follow=True)
    assert response.status_code == 200
    messages = list(Message.objects.filter(account=alice.account).order_by("position"))
    assert [m.recipient for m in messages] == ["+919876543210", "+14155552671"]
    assert all(m.source == "UI" and m.callback_profile == profile for m in messages)
    html = response.content.decode()
    assert "2 messages accepted" in html and messages[0].message_id in html


def test_errors_are_shown_next_to_the_fields(client, alice):
    response = login(client, alice).post("/sms/send/", {
        "to": "+919876543210, 12ab", "body": "Hi", "type": "TXN", "sender": "KLRHXA",
    })
    assert response.status_code == 200
    html = response.content.decode()
    assert "&#x27;12ab&#x27; is not a valid phone number" in html
    assert not Message.objects.exists()


def test_an_empty_message_is_refused(client, alice):
    response = login(client, alice).post("/sms/send/", {
        "to": "+919876543210", "body": "   ", "type": "TXN", "sender": "KLRHXA",
    })
    assert response.status_code == 200
    assert "Must not be empty." in response.content.decode()
    assert not Message.objects.exists()


def test_the_stranger_cannot_pick_alices_profile(client, alice, charlie, make_profile):
    profile = make_profile(alice, url="http://127.0.0.1:9/dlr")
    response = login(client, charlie).post("/sms/send/", {
        "to": "+919876543210", "body": "Hi", "type": "TXN", "sender": "KLRHXA",
        "callback_profile_id": profile.profile_id,
    })
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Message.objects.exists()
