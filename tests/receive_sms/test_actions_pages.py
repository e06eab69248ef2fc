"""Pages: the configuration form's actions, the Subscriber Lists tab with its CSV export, the
Opt-out tab, and the Logs' action outcomes."""

from __future__ import annotations

import csv
import io

from receive_sms.actions.subscribe import ListSettings
from receive_sms.models import ReceiveConfiguration, SubscriberList
from receive_sms.services import incoming_sms_receive
from sms.models import OptOutSettings

from .conftest import ALICE_VMN


def form_data(vmn, **overrides) -> dict:
    data = {"vmn": vmn.pk, "keyword": "join", "trigger_type": "callback_id", "active": "on",
            "auto_reply": "on", "auto_reply_text": "Welcome <source>",
            "auto_reply_delay_minutes": "0", "subscribe": "on", "subscribe_list": "Offers",
            "forward_template": "<source>: <message>"}
    data.update(overrides)
    return data


def test_new_configuration_with_auto_reply_and_subscribe(alice_client, alice_vmn):
    response = alice_client.post("/channels/sms/receive/new/", form_data(alice_vmn))

    assert response.status_code == 302
    configuration = ReceiveConfiguration.objects.get()
    assert configuration.actions == [
        {"type": "subscribe", "list": "Offers"},
        {"type": "auto_reply", "text": "Welcome <source>", "delay_minutes": 0},
    ]
    listing = alice_client.get("/channels/sms/receive/").content.decode()
    assert "Auto Reply" in listing and "Subscribe to Offers" in listing
    edit = alice_client.get(f"/channels/sms/receive/{configuration.public_id}/edit/")
    assert 'value="Offers"' in edit.content.decode()


def test_form_errors_land_next_to_their_fields(alice_client, alice_vmn):
    no_list = alice_client.post("/channels/sms/receive/new/", form_data(
        alice_vmn, subscribe_list=""))
    bad_actions = alice_client.post("/channels/sms/receive/new/", form_data(
        alice_vmn, auto_reply_text="", forward="on", forward_numbers="12ab"))

    assert "Enter the name of the list." in no_list.content.decode()
    page = bad_actions.content.decode()
    assert "Reply text must not be empty." in page
    assert "Forward SMS to must be E.164 numbers: &#x27;12ab&#x27; is not a valid" in page
    assert not ReceiveConfiguration.objects.exists()


def test_webhook_url_configuration_from_the_form(alice_client, alice_vmn):
    response = alice_client.post("/channels/sms/receive/new/", form_data(
        alice_vmn, auto_reply="", subscribe="", trigger_url="on", trigger_type="url",
        webhook_url="https://example.com/in",
    ))

    assert response.status_code == 302
    configuration = ReceiveConfiguration.objects.get()
    assert configuration.webhook_profile.url == "https://example.com/in"
    # Its profile page shows it as managed, without Edit or Delete.
    page = alice_client.get(f"/account/callback-profiles/{configuration.webhook_profile.profile_id}/")
    assert page.status_code == 200 and 'id="managed-notice"' in page.content.decode()
    edit = alice_client.get(
        f"/account/callback-profiles/{configuration.webhook_profile.profile_id}/edit/")
    assert edit.status_code == 302


def test_subscriber_lists_page_members_and_csv_export(alice_client, alice, alice_vmn,
                                                     make_configuration):
    make_configuration(alice, alice_vmn, keyword="JOIN", trigger_url=False,
                       actions={"subscribe": ListSettings("Offers")})
    incoming_sms_receive(to=ALICE_VMN, source="+919812345678", message="join")
    offers = SubscriberList.objects.get()

    listing = alice_client.get("/channels/sms/lists/").content.decode()
    assert "Offers" in listing
    members = alice_client.get(f"/channels/sms/lists/{offers.public_id}/").content.decode()
    assert "+919812345678" in members and "Subscribed" in members

    export = alice_client.get(f"/channels/sms/lists/{offers.public_id}/export.csv")
    assert export["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(export.content.decode())))
    assert [(r["number"], r["status"], r["source_keyword"]) for r in rows] == [
        ("+919812345678", "subscribed", "JOIN")
    ]
    assert rows[0]["subscribed_at"] and not rows[0]["unsubscribed_at"]


def test_new_list_from_the_page(alice_client):
    response = alice_client.post("/channels/sms/lists/", {"name": "VIP customers"})
    bad = alice_client.post("/channels/sms/lists/", {"name": "no/slashes"})

    assert response.status_code == 302
    assert SubscriberList.objects.get().name == "VIP customers"
    assert bad.status_code == 400


def test_a_stranger_gets_404_for_a_list(client, alice, charlie, alice_vmn, make_configuration):
    make_configuration(alice, alice_vmn, keyword="JOIN", trigger_url=False,
                       actions={"subscribe": ListSettings("Offers")})
    offers = SubscriberList.objects.get()
    client.force_login(charlie.user)

    assert client.get(f"/channels/sms/lists/{offers.public_id}/").status_code == 404
    assert client.get(f"/channels/sms/lists/{offers.public_id}/export.csv").status_code == 404


def test_opt_out_tab_lists_numbers_and_saves_the_replies(alice_client, alice, alice_vmn):
    incoming_sms_receive(to=ALICE_VMN, source="+919812345678", message="STOP")

    page = alice_client.get("/channels/sms/opt-outs/").content.decode()
    assert "+919812345678" in page and "You have been unsubscribed" in page

    response = alice_client.post("/channels/sms/opt-outs/", {
        "opt_out_reply": "Bye!", "opt_in_reply": "", "help_reply": "Call us.",
    })
    assert response.status_code == 302
    saved = OptOutSettings.objects.get(account=alice.account)
    assert (saved.opt_out_reply, saved.opt_in_reply, saved.help_reply) == ("Bye!", "", "Call us.")


def test_logs_show_what_each_action_did(alice_client, alice, alice_vmn):
    incoming_sms_receive(to=ALICE_VMN, source="+919812345678", message="STOP")

    page = alice_client.get("/channels/sms/receive/logs/").content.decode()
    assert 'data-action="opt_out"' in page
    assert "+919812345678 opted out of this account&#x27;s messages" in page


def test_simulate_says_how_many_actions_ran(alice_client, alice_vmn):
    response = alice_client.post("/channels/sms/receive/simulate/", {
        "to": ALICE_VMN, "source": "+919812345678", "message": "STOP",
    }, follow=True)

    assert "no configuration matched. 2 action(s) ran." in response.content.decode()
