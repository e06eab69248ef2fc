"""Receive Message never misleads: deleting a profile names the configurations using it, those
left without a profile are flagged in the list and on Logs, the profile picker flags profiles
an incoming SMS cannot fill, and the forms refuse what could never work."""

from __future__ import annotations

import pytest

from profiles.models import CallbackProfile, ProfileStatus
from profiles.services import profile_set_status
from receive_sms.models import IncomingMessage, ReceiveConfiguration

from .conftest import ALICE_VMN


def test_delete_confirmation_names_the_configurations_using_the_profile(
    alice_client, alice, alice_vmn, make_profile, make_configuration
):
    profile = make_profile(alice)
    make_configuration(alice, alice_vmn, profile, keyword="STOP")
    make_configuration(alice, alice_vmn, profile)
    html = alice_client.get(f"/account/callback-profiles/{profile.profile_id}/delete/").content.decode()
    assert "Used by 2 Receive Message configurations" in html
    assert f"{ALICE_VMN} · keyword STOP" in html and f"{ALICE_VMN} · default configuration" in html

    response = alice_client.post(f"/account/callback-profiles/{profile.profile_id}/delete/",
                                 follow=True)
    assert "2 Receive Message configurations now fire nothing" in response.content.decode()


def test_a_profile_nobody_uses_says_so_before_delete(alice_client, alice, make_profile):
    profile = make_profile(alice)
    html = alice_client.get(f"/account/callback-profiles/{profile.profile_id}/delete/").content.decode()
    assert "No Receive Message configuration uses it." in html


def test_orphaned_configurations_are_flagged_in_the_list_and_on_logs(
    alice_client, alice, alice_vmn, make_profile, make_configuration
):
    profile = make_profile(alice)
    make_configuration(alice, alice_vmn, profile, keyword="STOP")
    alice_client.post(f"/account/callback-profiles/{profile.profile_id}/delete/")

    listing = alice_client.get("/channels/sms/receive/").content.decode()
    assert "1 configuration fires nothing:" in listing
    assert "Profile deleted: fires nothing" in listing

    response = alice_client.post("/channels/sms/receive/simulate/", {
        "to": ALICE_VMN, "source": "+918240123456", "message": "stop now",
    }, follow=True)
    logs = response.content.decode()
    assert "matched STOP. Not sent: the configuration&#x27;s callback profile was deleted." in logs
    assert "1 configuration matches messages but fires nothing" in logs
    assert "⚠ Profile deleted" in logs
    incoming = IncomingMessage.objects.get()
    assert incoming.matched and incoming.callback_delivery is None


def test_picker_flags_profiles_an_incoming_sms_cannot_fill_and_inactive_ones(
    alice_client, alice, alice_vmn
):
    from tests.profiles.page_helpers import make_profile

    make_profile(alice.account, "Delivery reports", body={"t": "<sent_time>", "u": "<units>"})
    fits = make_profile(alice.account, "Incoming", channel="default", body={"m": "<message>"})
    off = make_profile(alice.account, "Incoming", channel="default", body={"m": "<message>"})
    profile_set_status(profile=off, status=ProfileStatus.DISABLED)

    html = alice_client.get("/channels/sms/receive/new/").content.decode()
    assert "⚠ not Incoming SMS variables: &lt;sent_time&gt;, &lt;units&gt;" in html
    # Equal titles are told apart by their ids; the disabled one says it sends nothing.
    assert f"Incoming ({fits.profile_id})</option>" in html
    assert f"Incoming ({off.profile_id}) (Disabled: sends nothing)</option>" in html


def test_list_and_logs_flag_a_profile_that_sends_empty_values(
    alice_client, alice, alice_vmn, make_configuration
):
    from tests.profiles.page_helpers import make_profile

    dlr = make_profile(alice.account, "Delivery reports", body={"units": "<units>"})
    make_configuration(alice, alice_vmn, dlr)
    assert "⚠ Not Incoming SMS variables: &lt;units&gt;" in alice_client.get(
        "/channels/sms/receive/").content.decode()
    alice_client.post("/channels/sms/receive/simulate/", {
        "to": ALICE_VMN, "source": "+918240123456", "message": "hello"})
    assert "⚠ Sent empty: &lt;units&gt;" in alice_client.get(
        "/channels/sms/receive/logs/").content.decode()


@pytest.mark.parametrize("keyword", ["stop!", "st-op", "ok?"])
def test_keyword_is_letters_and_digits(alice_client, alice_vmn, keyword):
    response = alice_client.post("/channels/sms/receive/new/", {
        "vmn": alice_vmn.pk, "keyword": keyword, "trigger_type": "callback_id", "active": "on",
    })
    assert "Keyword must contain only letters and digits." in response.content.decode()
    assert not ReceiveConfiguration.objects.exists()


def test_a_second_default_configuration_is_reported_on_the_number(
    alice_client, alice, alice_vmn, make_configuration
):
    make_configuration(alice, alice_vmn)
    html = alice_client.post("/channels/sms/receive/new/", {
        "vmn": alice_vmn.pk, "keyword": "", "trigger_type": "callback_id", "active": "on",
    }).content.decode()
    assert f"Number {ALICE_VMN} already has a default configuration (no keyword)." in html
    assert "Keyword +91" not in html


@pytest.mark.parametrize("source,error", [
    ("abc", "Enter a phone number in E.164 format"),
    (ALICE_VMN, "Enter the subscriber&#x27;s number, not your own number."),
])
def test_simulate_refuses_a_sender_that_is_not_a_subscriber_number(
    alice_client, alice_vmn, source, error
):
    response = alice_client.post("/channels/sms/receive/simulate/", {
        "to": ALICE_VMN, "source": source, "message": "hello"})
    assert response.status_code == 400 and error in response.content.decode()
    assert not IncomingMessage.objects.exists()


def test_simulate_defaults_from_to_a_subscriber_not_the_vmn(alice_client, alice_vmn):
    html = alice_client.get("/channels/sms/receive/logs/").content.decode()
    assert 'value="+918240123456"' in html and f'name="source" value="{ALICE_VMN}"' not in html


def test_a_long_incoming_message_is_truncated_with_a_detail_page(
    alice_client, alice, charlie, alice_vmn
):
    from receive_sms.services import incoming_sms_receive

    text = "word " * 400
    incoming = incoming_sms_receive(to=ALICE_VMN, source="+918240123456", message=text)
    logs = alice_client.get("/channels/sms/receive/logs/").content.decode()
    assert text.strip() not in logs and "Full message" in logs
    detail = alice_client.get(f"/channels/sms/receive/logs/{incoming.public_id}/")
    assert detail.status_code == 200 and text.strip() in detail.content.decode()

    alice_client.force_login(charlie.user)
    assert alice_client.get(
        f"/channels/sms/receive/logs/{incoming.public_id}/").status_code == 404
    assert CallbackProfile.objects.count() == 0


def test_logs_update_themselves_while_a_callback_is_pending(
    alice_client, alice, alice_vmn, make_profile, make_configuration, httpserver,
    settings_private_ok, run_tasks
):
    httpserver.expect_request("/in").respond_with_data("ok")
    profile = make_profile(alice, url=httpserver.url_for("/in"))
    make_configuration(alice, alice_vmn, profile)
    alice_client.post("/channels/sms/receive/simulate/", {
        "to": ALICE_VMN, "source": "+918240123456", "message": "hello"})

    page = alice_client.get("/channels/sms/receive/logs/").content.decode()
    assert 'data-live-url="/channels/sms/receive/logs/live"' in page
    assert 'data-live-pending="true"' in page
    run_tasks()
    live = alice_client.get("/channels/sms/receive/logs/live").json()
    assert live["pending"] is False and "Succeeded (200)" in live["html"]["incoming-log-rows"]


def test_saving_a_configuration_with_a_profile_that_does_not_fit_warns(
    alice_client, alice, alice_vmn
):
    from tests.profiles.page_helpers import make_profile

    dlr = make_profile(alice.account, "Delivery reports", body={"u": "<units>"})
    response = alice_client.post("/channels/sms/receive/new/", {
        "vmn": alice_vmn.pk, "keyword": "", "trigger_url": "on", "trigger_type": "callback_id",
        "callback_profile": dlr.pk, "active": "on",
    }, follow=True)
    html = response.content.decode()
    assert "The configuration is created." in html
    assert "“Delivery reports” uses &lt;units&gt;, which an incoming SMS has no value for" in html


def test_the_delivery_report_picker_checks_sms_send_variables(alice_client, alice, alice_vmn):
    """A reply's delivery report is an SMS Send event: <sent_time> is right there."""
    from tests.profiles.page_helpers import make_profile

    make_profile(alice.account, "DLR hook", body={"t": "<sent_time>", "u": "<units>"})
    make_profile(alice.account, "Typo hook", body={"s": "<statuss>"})
    html = alice_client.get("/channels/sms/receive/new/").content.decode()
    reply = html[html.index('name="reply_callback_profile"'):]
    reply = reply[:reply.index("</select>")]
    dlr = next(line for line in reply.splitlines() if "DLR hook" in line)
    assert "⚠" not in dlr
    assert "⚠ not SMS Send variables: &lt;statuss&gt;" in reply
