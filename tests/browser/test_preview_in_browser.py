"""Preview on recent traffic on the Edit page, in real Chromium: edit the body, preview, see
the new body for each of the last three real delivery reports; nothing reaches the endpoint."""

from __future__ import annotations

import json

from playwright.sync_api import Page, expect
from pytest_httpserver import HTTPServer

from profiles.services import profile_create
from profiles.validation import ProfileInput
from sms.services import message_send


def test_preview_an_unsaved_edit_on_three_real_deliveries(
    logged_in_page: Page, alice, httpserver: HTTPServer, settings_private_ok, run_tasks,
    screenshot,
):
    httpserver.expect_request("/dlr", method="POST").respond_with_data("ok")
    profile = profile_create(account=alice.account, data=ProfileInput(
        title="Delivery reports", channel="sms", http_method="POST",
        url=httpserver.url_for("/dlr"), body={"status": "<status>"}))
    message_send(account=alice.account, to="+919876543210,+919876543211,+919876543212",
                 body="Your order is on its way", callback_profile_id=profile.profile_id)
    run_tasks()
    assert len(httpserver.log) == 3
    httpserver.clear_log()

    page = logged_in_page
    page.goto(f"/account/callback-profiles/{profile.profile_id}/edit/")
    page.get_by_label("Request Body").fill(json.dumps({"state": "<status>", "to": "<recipient>"}))
    page.get_by_role("button", name="Preview on recent traffic").click()
    result = page.locator("#preview-result")
    expect(result.get_by_role("heading", name="Preview on recent traffic")).to_be_focused()
    items = result.locator("[data-preview-item]")
    expect(items).to_have_count(3)
    for index in range(3):
        item = items.nth(index)
        expect(item.locator("[data-preview-now] pre")).to_contain_text('"state":"Delivered"')
        expect(item.locator("[data-preview-sent] pre")).to_contain_text('"status":"Delivered"')
    screenshot(page, "preview-on-recent-traffic")
    assert httpserver.log == []
    profile.refresh_from_db()
    assert profile.body == {"status": "<status>"}  # nothing saved
