"""Staff manage numbers, sender IDs and configurations in the admin, with the same rules."""

from __future__ import annotations

from receive_sms.models import VMN, ReceiveConfiguration, SenderId, SenderIdStatus
from receive_sms.services import incoming_sms_receive

from .conftest import ALICE_VMN


def test_admin_pages_open(staff_client, alice, alice_vmn, make_configuration):
    make_configuration(alice, alice_vmn, keyword="STOP")
    incoming = incoming_sms_receive(to=ALICE_VMN, source="+919812345678", message="STOP")

    for name in ("vmn", "senderid", "receiveconfiguration", "incomingmessage"):
        assert staff_client.get(f"/admin/receive_sms/{name}/").status_code == 200, name
    page = staff_client.get(f"/admin/receive_sms/incomingmessage/{incoming.pk}/change/")
    assert page.status_code == 200


def test_admin_normalises_numbers(staff_client, alice):
    staff_client.post("/admin/receive_sms/vmn/add/",
                      {"account": alice.account.pk, "number": "0091 98700 12345"})
    bad = staff_client.post("/admin/receive_sms/vmn/add/",
                            {"account": alice.account.pk, "number": "hello"})

    assert VMN.objects.get().number == ALICE_VMN
    assert "Must be an E.164 number" in bad.content.decode()


def test_admin_refuses_a_profile_of_another_account(
    staff_client, alice, charlie, alice_vmn, make_profile
):
    response = staff_client.post("/admin/receive_sms/receiveconfiguration/add/", {
        "account": alice.account.pk, "vmn": alice_vmn.pk, "keyword": "stop",
        "trigger_url": "on", "trigger_type": "callback_id",
        "callback_profile": make_profile(charlie).pk, "active": "on",
    })

    assert "No profile exists with this id in the chosen account." in response.content.decode()
    assert ReceiveConfiguration.objects.count() == 0


def test_admin_approves_sender_ids(staff_client, alice):
    sender = SenderId.objects.create(account=alice.account, sender_id="KLRHXA")

    staff_client.post("/admin/receive_sms/senderid/", {
        "action": "approve", "_selected_action": [sender.pk],
    })

    sender.refresh_from_db()
    assert sender.status == SenderIdStatus.APPROVED


def test_admin_keeps_a_webhook_urls_profile_in_step(staff_client, alice, alice_vmn):
    from profiles.models import CallbackProfile

    response = staff_client.post("/admin/receive_sms/receiveconfiguration/add/", {
        "account": alice.account.pk, "vmn": alice_vmn.pk, "keyword": "info",
        "trigger_url": "on", "trigger_type": "url", "webhook_url": "https://example.com/in",
        "forward_numbers": "[]", "forward_emails": "[]", "active": "on",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    configuration = ReceiveConfiguration.objects.get()
    assert configuration.webhook_profile.url == "https://example.com/in"

    staff_client.post(f"/admin/receive_sms/receiveconfiguration/{configuration.pk}/delete/",
                      {"post": "yes"})
    assert not ReceiveConfiguration.objects.exists()
    assert not CallbackProfile.objects.exists()
