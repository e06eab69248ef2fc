"""A configuration with no action would swallow its keyword's messages: the page form and the
admin refuse it (the API's refusal is in test_configuration_api.py); the list and Logs show no
trigger type for a configuration whose Trigger URL is off; the form reports every problem of a
submit at once."""

from __future__ import annotations

from receive_sms.actions.subscribe import ListSettings
from receive_sms.models import ReceiveConfiguration
from receive_sms.services import incoming_sms_receive

from .conftest import ALICE_VMN

NO_ACTION = ("Must turn on at least one action: Subscribe, Unsubscribe, Auto Reply, Forward or "
             "Trigger URL.")


def test_the_form_refuses_a_configuration_with_every_action_off(alice_client, alice_vmn):
    response = alice_client.post("/channels/sms/receive/new/", {
        "vmn": alice_vmn.pk, "keyword": "promotwo", "trigger_type": "callback_id",
        "active": "on",
    })

    assert response.status_code == 200
    assert NO_ACTION in response.content.decode()
    assert not ReceiveConfiguration.objects.exists()


def test_the_form_reports_a_missing_profile_and_a_taken_keyword_in_one_submit(
    alice_client, alice, alice_vmn, make_configuration
):
    make_configuration(alice, alice_vmn, keyword="JOIN")

    response = alice_client.post("/channels/sms/receive/new/", {
        "vmn": alice_vmn.pk, "keyword": "join", "trigger_url": "on",
        "trigger_type": "callback_id", "auto_reply": "on", "auto_reply_text": "",
    })

    page = response.content.decode()
    assert "Callback Profile is required when Trigger URL is on." in page
    assert f"Keyword JOIN already has a configuration on {ALICE_VMN}." in page
    assert "Reply text must not be empty." in page
    assert ReceiveConfiguration.objects.count() == 1


def test_the_admin_refuses_a_configuration_with_every_action_off(staff_client, alice, alice_vmn):
    response = staff_client.post("/admin/receive_sms/receiveconfiguration/add/", {
        "account": alice.account.pk, "vmn": alice_vmn.pk, "keyword": "promotwo",
        "trigger_type": "callback_id", "forward_numbers": "[]", "forward_emails": "[]",
        "active": "on",
    })

    assert response.status_code == 200
    assert NO_ACTION in response.content.decode()
    assert not ReceiveConfiguration.objects.exists()


def test_list_and_logs_show_no_trigger_type_when_trigger_url_is_off(
    alice_client, alice, alice_vmn, make_profile, make_configuration
):
    profile = make_profile(alice, title="Still chosen hook")
    make_configuration(alice, alice_vmn, profile, keyword="JOIN", trigger_url=False,
                       actions={"subscribe": ListSettings("Offers")})
    incoming_sms_receive(to=ALICE_VMN, source="+919812345678", message="JOIN now")

    listing = alice_client.get("/channels/sms/receive/").content.decode()
    logs = alice_client.get("/channels/sms/receive/logs/").content.decode()

    row = listing.split("<tbody>")[1]
    assert "Callback ID" not in row and "Still chosen hook" not in row
    assert "Still chosen hook" not in logs and "Trigger URL is off" in logs
