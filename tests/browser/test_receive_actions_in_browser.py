"""Receive Message tab in real Chromium: add a configuration with an Auto Reply and a Subscribe
action, simulate the keyword, and see the subscriber and the reply."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from receive_sms.models import ReceiveConfiguration
from receive_sms.services import vmn_provision
from sms.models import Message

VMN_NUMBER = "+919870012345"


@pytest.mark.django_db(transaction=True)
def test_add_auto_reply_and_subscribe_then_a_join_message_uses_them(
    logged_in_page: Page, alice, settings_private_ok, run_tasks
):
    settings_private_ok.SMS_DLR_DELAY_SECONDS = 0
    vmn_provision(account=alice.account, number=VMN_NUMBER)
    page = logged_in_page
    page.goto("/channels/sms/receive/")
    page.get_by_role("link", name="New Configuration").click()

    page.get_by_label("Keyword").fill("join")
    reply_text = page.get_by_label("Reply text")
    expect(reply_text).to_be_hidden()
    page.get_by_text("Auto Reply", exact=True).click()
    expect(reply_text).to_be_visible()
    reply_text.fill("Welcome <source>, you are on the list.")
    page.get_by_label("Send after (minutes)").fill("0")
    page.get_by_text("Subscribe", exact=True).click()
    page.get_by_label("Subscribe to list").fill("Offers")
    page.get_by_label("Trigger URL").uncheck()
    expect(page.locator("#trigger-fields")).to_be_hidden()
    page.get_by_role("button", name="Save").click()

    page.get_by_text("The configuration is created.").wait_for()
    row = page.locator("#configurations tbody tr").first
    expect(row).to_contain_text("Auto Reply")
    expect(row).to_contain_text("Subscribe to Offers")
    configuration = ReceiveConfiguration.objects.get()
    assert [action["type"] for action in configuration.actions] == ["subscribe", "auto_reply"]
    assert configuration.actions[0]["list"] == "Offers"

    page.get_by_role("link", name="Logs", exact=True).click()
    page.get_by_label("From", exact=True).fill("+919812345678")
    page.get_by_label("Message", exact=True).fill("JOIN please")
    page.get_by_role("button", name="Simulate incoming SMS").click()
    page.get_by_text("matched JOIN").wait_for()
    actions = page.locator("#incoming-log tbody tr").first.locator(".actions-cell")
    expect(actions).to_contain_text("+919812345678 subscribed to Offers")
    expect(actions).to_contain_text("SMS to +919812345678 sent")

    run_tasks()
    page.get_by_role("link", name="Subscriber Lists").click()
    page.get_by_role("link", name="Offers").click()
    expect(page.locator("#members")).to_contain_text("+919812345678")
    expect(page.locator("#members")).to_contain_text("JOIN")
    reply = Message.objects.get()
    page.goto("/sms/logs/")
    expect(page.locator("body")).to_contain_text(reply.message_id)
    assert reply.body == "Welcome +919812345678, you are on the list."
