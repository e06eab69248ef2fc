"""The GET flow of the variables dialog and the picker after a channel change, step by step in
real Chromium (README "Pages that never mislead").

For GET: tick the variables, Copy to Clipboard, paste at the end of the endpoint URL.
The copy must carry the `?` or `&` the URL needs there, and Save must warn about a
placeholder glued into the path. The picker always shows the variables of the channel chosen.
"""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, expect

from profiles import catalog
from profiles.models import CallbackProfile

NEW = "/account/callback-profiles/new/"


def _copy_status_from_the_picker(page: Page, clipboard) -> str:
    page.get_by_role("button", name="Dynamic Variables View").click()
    dialog = page.get_by_role("dialog", name="List Dynamic Variables")
    dialog.get_by_role("checkbox", name="status", exact=True).check()
    dialog.get_by_role("button", name="Copy to Clipboard").click()
    expect(dialog.locator("#variables-message")).to_contain_text(
        "Paste them into the endpoint URL, at its end.")
    dialog.get_by_role("button", name="Close", exact=True).first.click()
    return clipboard(page)


def _paste_at_the_end_of_the_endpoint(page: Page) -> None:
    endpoint = page.get_by_label("Enter Endpoint")
    endpoint.click()
    page.keyboard.press("End")
    page.keyboard.press("Control+V")


@pytest.mark.parametrize(("typed", "saved"), [
    ("https://example.com/g", "https://example.com/g?status=<status>"),
    ("https://example.com/g?a=1", "https://example.com/g?a=1&status=<status>"),
    ("https://example.com/g?", "https://example.com/g?status=<status>"),
])
def test_copied_get_variables_pasted_at_the_end_of_the_url_save_a_working_url(
    logged_in_page: Page, clipboard, typed, saved
):
    page = logged_in_page
    page.goto(NEW)
    page.get_by_label("Title").fill("Seed GET hook")
    page.get_by_label("Select Channel API").select_option("sms")
    page.get_by_label("HTTP Method").select_option("GET")
    page.get_by_label("Enter Endpoint").fill(typed)
    copied = _copy_status_from_the_picker(page, clipboard)
    assert copied == saved[len(typed):]
    _paste_at_the_end_of_the_endpoint(page)
    expect(page.get_by_label("Enter Endpoint")).to_have_value(saved)
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("Callback profile “Seed GET hook” created.")
    assert CallbackProfile.objects.get().url == saved


def test_save_warns_about_a_placeholder_glued_into_the_path(logged_in_page: Page, screenshot):
    page = logged_in_page
    page.goto(NEW)
    page.get_by_label("Title").fill("Glued GET hook")
    page.get_by_label("Select Channel API").select_option("sms")
    page.get_by_label("HTTP Method").select_option("GET")
    page.get_by_label("Enter Endpoint").fill("https://example.com/gstatus=<status>")
    page.get_by_role("button", name="Save").click()
    warning = page.locator("#placeholder-warning")
    expect(warning).to_contain_text("“gstatus=<status>” is glued to the path of the endpoint "
                                    "URL: add “?” before it")
    screenshot(page, "glued-placeholder-warning", full_page=False)
    assert not CallbackProfile.objects.exists()
    # After a query parameter without "&": the same warning, naming "&".
    page.get_by_label("Enter Endpoint").fill("https://example.com/g?a=1status=<status>")
    page.get_by_role("button", name="Save").click()
    expect(warning).to_contain_text("glued to the previous parameter's value of the endpoint "
                                    "URL: add “&” before it")
    # Meant literally: Save anyway keeps it.
    page.get_by_label("Save anyway").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("created")
    assert CallbackProfile.objects.get().url == "https://example.com/g?a=1status=<status>"


def test_the_picker_follows_the_channel(logged_in_page: Page, clipboard):
    page = logged_in_page
    page.goto(NEW)
    page.get_by_label("Title").fill("Picker hook")
    channel = page.get_by_label("Select Channel API")
    channel.select_option("default")
    page.get_by_label("Enter Endpoint").fill("https://example.com/cb")
    view = page.get_by_role("button", name="Dynamic Variables View")
    view.click()
    dialog = page.get_by_role("dialog", name="List Dynamic Variables")
    incoming = catalog.event("SMS-incoming").variable_names
    expect(dialog.get_by_label("Variables of")).to_have_value("SMS-incoming")
    expect(dialog.locator("#selected-count")).to_have_text(f"0 of {len(incoming)} selected")
    dialog.get_by_role("button", name="Close", exact=True).first.click()

    channel.select_option("sms")
    view.click()
    sms_sent = catalog.event("SMS-sent").variable_names
    expect(dialog.get_by_label("Variables of")).to_have_value("SMS-sent")
    expect(dialog.locator("#selected-count")).to_have_text(f"0 of {len(sms_sent)} selected")
    dialog.get_by_role("button", name="Select All").click()
    dialog.get_by_role("button", name="Copy to Clipboard").click()
    expect(dialog.locator("#variables-message")).to_contain_text("Copied")
    copied = clipboard(page)
    assert json.loads(copied) == {name: f"<{name}>" for name in sms_sent}
    dialog.get_by_role("button", name="Close", exact=True).first.click()
    body = page.get_by_label("Request Body")
    body.click()
    page.keyboard.press("Control+V")
    page.get_by_role("button", name="Save").click()
    # No placeholder warning: every variable is one of SMS Send's.
    expect(page.locator(".messages")).to_contain_text("Callback profile “Picker hook” created.")
    assert CallbackProfile.objects.get().body == {name: f"<{name}>" for name in sms_sent}

    # And back: Default shows Incoming SMS again.
    page.goto(NEW)
    page.get_by_label("Select Channel API").select_option("sms")
    page.get_by_label("Select Channel API").select_option("default")
    page.get_by_role("button", name="Dynamic Variables View").click()
    expect(dialog.get_by_label("Variables of")).to_have_value("SMS-incoming")
