"""The admin writes numbers and receive configurations through the same services as the pages
and the API (normalised numbers, upper-case keywords, the same rules)."""

from __future__ import annotations

from receive_sms.models import VMN, ReceiveConfiguration

from .conftest import ALICE_VMN


def test_a_number_added_in_the_admin_is_provisioned_by_the_service(staff_client, alice):
    response = staff_client.post("/admin/receive_sms/vmn/add/",
                                 {"account": alice.account.pk, "number": "0091 98700 12345"})

    assert response.status_code == 302
    assert VMN.objects.get().number == ALICE_VMN


def test_an_invalid_number_is_refused_by_the_one_number_rule(staff_client, alice):
    response = staff_client.post("/admin/receive_sms/vmn/add/",
                                 {"account": alice.account.pk, "number": "+15550000000"})

    assert response.status_code == 200
    assert not VMN.objects.exists()


def test_a_configuration_added_in_the_admin_goes_through_the_service(
    staff_client, alice, alice_vmn, make_profile
):
    profile = make_profile(alice)

    response = staff_client.post("/admin/receive_sms/receiveconfiguration/add/", {
        "account": alice.account.pk, "vmn": alice_vmn.pk, "keyword": "stop",
        "trigger_url": "on", "trigger_type": "callback_id", "callback_profile": profile.pk,
        "active": "on", "expires_at_0": "", "expires_at_1": "",
    })

    assert response.status_code == 302, response.content.decode()[:3000]
    configuration = ReceiveConfiguration.objects.get()
    assert configuration.keyword == "STOP" and configuration.callback_profile == profile


def test_actions_set_in_the_admin_are_the_ones_the_api_shows_and_the_admin_edits(
    staff_client, alice, alice_vmn
):
    response = staff_client.post("/admin/receive_sms/receiveconfiguration/add/", {
        "account": alice.account.pk, "vmn": alice_vmn.pk, "keyword": "join",
        "trigger_type": "callback_id", "active": "on", "auto_reply": "on",
        "auto_reply_text": "Welcome <source>", "auto_reply_delay_minutes": "5",
        "subscribe": "on", "subscribe_list": "Offers",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    configuration = ReceiveConfiguration.objects.get()

    data = alice.api().get(
        f"/v1/{alice.sid}/receive-sms/configurations/{configuration.public_id}").json()["data"]
    change = staff_client.get(
        f"/admin/receive_sms/receiveconfiguration/{configuration.pk}/change/").content.decode()
    refused = staff_client.post(
        f"/admin/receive_sms/receiveconfiguration/{configuration.pk}/change/", {
            "account": alice.account.pk, "vmn": alice_vmn.pk, "keyword": "join",
            "trigger_type": "callback_id", "active": "on", "auto_reply": "on",
            "auto_reply_text": "", "subscribe": "on", "subscribe_list": "",
        })

    assert data["auto_reply"] == {"text": "Welcome <source>", "delay_minutes": 5}
    assert data["subscribe_list"] == "Offers" and data["forward"] is None
    assert 'value="Offers"' in change and "Welcome &lt;source&gt;</textarea>" in change
    page = refused.content.decode()
    assert "Enter the name of the list." in page and "must not be empty" in page
    configuration.refresh_from_db()
    assert configuration.actions[1]["text"] == "Welcome <source>"
