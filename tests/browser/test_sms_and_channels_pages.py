"""The SMS and Channels pages as alice sees them, with data, in real Chromium.

Each page is checked for what a user looks for on it (its heading, a row, labelled inputs) and
saved to artifacts/screenshots/ so its look can be reviewed next to the Callback Profiles pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from profiles.services import profile_create
from profiles.validation import ProfileInput
from receive_sms.models import VMN
from receive_sms.services import (
    ConfigurationInput,
    configuration_create,
    incoming_sms_receive,
    sender_id_create,
    vmn_provision,
)
from sms.models import Encoding, Message
from sms.segmentation import segment
from sms.services import message_send
from tests.support.background import settle_message_now

VMN_NUMBER = "+919870012345"
PHONE = {"width": 390, "height": 844}


@dataclass
class Data:
    delivered: Message
    undelivered: Message


@pytest.fixture
def data(alice, settings_private_ok) -> Data:
    """A number with a STOP configuration, three incoming SMS, a sender ID and two sent SMS."""
    settings_private_ok.SMS_DLR_DELAY_SECONDS = 0
    inbound = profile_create(account=alice.account, data=ProfileInput(
        title="Inbound hook", channel="default", http_method="POST",
        url="https://example.com/incoming",
    ))
    reports = profile_create(account=alice.account, data=ProfileInput(
        title="Delivery reports", channel="sms", http_method="POST",
        url="https://example.com/dlr",
    ))
    vmn = vmn_provision(account=alice.account, number=VMN_NUMBER)
    configuration_create(account=alice.account, data=ConfigurationInput(
        vmn=vmn, keyword="stop", callback_profile=inbound,
    ))
    sender_id_create(account=alice.account, sender_id="KLRHXA")
    incoming_sms_receive(to=VMN_NUMBER, source="+919812345678", message="STOP offers please",
                         operator="JIO", circle="ASSAM")
    incoming_sms_receive(to=VMN_NUMBER, source="+919812300000", message="hello there")
    incoming_sms_receive(
        to=VMN_NUMBER, source="+14155552671",
        message="A rather long incoming message that should wrap inside its table cell "
                "rather than push the page sideways on a phone screen",
    )
    sent = message_send(account=alice.account, to="+919876543210,+919876500000",
                        body="Your OTP is 482913. It expires in 10 minutes.",
                        callback_profile_id=reports.profile_id)
    for message in sent.messages:
        settle_message_now(message_pk=message.pk)
    # (The STOP above also sent an opt-out confirmation: take this request's messages.)
    delivered, undelivered = Message.objects.filter(request_id=sent.request_id).order_by(
        "position")
    return Data(delivered=delivered, undelivered=undelivered)


def _no_sideways_scroll(page: Page) -> None:
    """On a phone the page itself never scrolls sideways; wide tables scroll in their box."""
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0


def test_channels_and_sender_id_tab(logged_in_page: Page, data, screenshot):
    page = logged_in_page
    page.goto("/channels/")
    expect(page).to_have_title(re.compile("^Channels · Alice Co"))
    expect(page.get_by_role("heading", name="Channels", level=1)).to_be_visible()
    screenshot(page, "channels")

    page.get_by_role("link", name="Manage").click()
    expect(page).to_have_title(re.compile("^Sender ID – SMS"))
    expect(page.get_by_role("heading", name="SMS", level=1)).to_be_visible()
    tabs = page.get_by_role("navigation", name="SMS settings")
    expect(tabs.get_by_role("link", name="Sender ID")).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("row", name=re.compile("KLRHXA"))).to_contain_text("Pending")
    expect(page.get_by_label("Sender ID", exact=True)).to_be_editable()
    screenshot(page, "channels-sms-sender-ids")


def test_receive_message_tab_and_new_configuration(logged_in_page: Page, data, screenshot):
    page = logged_in_page
    page.goto("/channels/sms/receive/")
    expect(page).to_have_title(re.compile("^Receive Message – SMS"))
    tabs = page.get_by_role("navigation", name="SMS settings")
    expect(tabs.get_by_role("link", name="Receive Message")).to_have_attribute(
        "aria-current", "page")
    row = page.get_by_role("row", name=re.compile("STOP"))
    expect(row).to_contain_text(VMN_NUMBER)
    expect(row).to_contain_text("Inbound hook")
    expect(row).to_contain_text("Active")
    screenshot(page, "channels-sms-receive")

    page.get_by_role("link", name="New Configuration").click()
    expect(page).to_have_title(re.compile("^New Configuration – SMS"))
    expect(page.get_by_role("heading", name="New Configuration")).to_be_visible()
    expect(page.get_by_label("Number")).to_have_value(str(VMN.objects.get().pk))
    expect(page.get_by_label("Keyword")).to_be_editable()
    expect(page.get_by_label("Trigger URL")).to_be_checked()
    expect(page.get_by_label("Trigger Type")).to_be_visible()
    expect(page.get_by_label("Callback Profile")).to_be_visible()
    expect(page.get_by_label("Active")).to_be_checked()
    expect(page.get_by_label("Expires at")).to_be_visible()
    screenshot(page, "channels-sms-receive-new")

    page.set_viewport_size(PHONE)
    _no_sideways_scroll(page)
    screenshot(page, "channels-sms-receive-new-phone")


def test_receive_message_logs(logged_in_page: Page, data, screenshot):
    page = logged_in_page
    page.goto("/channels/sms/receive/logs/")
    expect(page).to_have_title(re.compile("^Logs – SMS"))
    row = page.get_by_role("row", name=re.compile("STOP offers please"))
    expect(row).to_contain_text("+919812345678")
    expect(row).to_contain_text("JIO / ASSAM")
    expect(page.get_by_role("row", name=re.compile("hello there"))).to_contain_text(
        "Not matched")
    expect(page.get_by_label("Keyword")).to_be_editable()
    expect(page.get_by_label("From date")).to_be_visible()
    expect(page.get_by_label("Message", exact=True)).to_be_editable()
    screenshot(page, "channels-sms-logs")

    page.get_by_label("Keyword").fill("STOP")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("row", name=re.compile("hello there"))).to_have_count(0)
    expect(page.get_by_role("row", name=re.compile("STOP offers please"))).to_be_visible()

    page.goto("/channels/sms/receive/logs/")
    page.set_viewport_size(PHONE)
    _no_sideways_scroll(page)
    screenshot(page, "channels-sms-logs-phone")


def test_sms_logs_and_message_detail(logged_in_page: Page, data, screenshot):
    page = logged_in_page
    page.goto("/sms/logs/")
    expect(page).to_have_title(re.compile("^SMS Logs · Alice Co"))
    expect(page.get_by_role("heading", name="SMS Logs", level=1)).to_be_visible()
    delivered = page.get_by_role("row", name=re.compile(re.escape(data.delivered.recipient)))
    expect(delivered).to_contain_text("Delivered")
    expect(delivered).to_contain_text("DELIVRD")
    expect(page.get_by_role("row", name=re.compile(re.escape(data.undelivered.recipient)))
           ).to_contain_text("Undelivered")
    expect(page.get_by_label("Status")).to_be_visible()
    screenshot(page, "sms-logs")

    page.get_by_label("Status").select_option("Undelivered")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("row", name=re.compile(re.escape(data.delivered.recipient)))
           ).to_have_count(0)

    page.goto("/sms/logs/")
    page.set_viewport_size(PHONE)
    _no_sideways_scroll(page)
    screenshot(page, "sms-logs-phone")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("link", name=data.undelivered.message_id).click()
    expect(page).to_have_title(re.compile(f"^SMS to {re.escape(data.undelivered.recipient)}"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(data.undelivered.recipient)
    expect(page.locator(".page-head")).to_contain_text(
        "Rejected as the number is blacklisted by operator")
    expect(page.get_by_role("row", name=re.compile("<message_id>"))).to_contain_text(
        data.undelivered.message_id)
    screenshot(page, "sms-message-detail")
    page.set_viewport_size(PHONE)
    _no_sideways_scroll(page)
    screenshot(page, "sms-message-detail-phone")


def test_send_test_sms_form(logged_in_page: Page, data, screenshot):
    page = logged_in_page
    page.goto("/sms/send/")
    expect(page).to_have_title(re.compile("^Send test SMS"))
    expect(page.get_by_role("heading", name="Send test SMS", level=1)).to_be_visible()
    page.get_by_label("To").fill("+919876543210")
    page.get_by_label(re.compile("^Message")).fill("Hello €")
    expect(page.locator("#sms-counter")).to_have_text("7 characters · GSM-7 · 1 unit")
    # The counter agrees with what is billed (sms/segmentation.py), escape pairs and emoji too.
    for text in ["a" * 152 + "€" + "b" * 10, "Привет 👋" * 12]:
        page.get_by_label(re.compile("^Message")).fill(text)
        billed = segment(text)
        expect(page.locator("#sms-counter")).to_have_text(
            f"{billed.length} characters · {Encoding(billed.encoding).label} · {billed.units} units")
    expect(page.get_by_label("Callback profile")).to_contain_text("Delivery reports")
    expect(page.get_by_label("Flash message")).not_to_be_checked()
    screenshot(page, "sms-send")

    page.get_by_label("To").fill("12ab")
    page.get_by_role("button", name="Send").click()
    expect(page.locator("#id_to_error")).to_contain_text("is not a valid phone number")
    screenshot(page, "sms-send-errors")
    page.set_viewport_size(PHONE)
    _no_sideways_scroll(page)
    screenshot(page, "sms-send-phone")
