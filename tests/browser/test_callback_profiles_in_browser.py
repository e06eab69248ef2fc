"""Callback Profiles as a user clicks through them, in real Chromium against the live server."""

from __future__ import annotations

import json
import re

from playwright.sync_api import Page, expect

from profiles import catalog
from profiles.models import CallbackProfile
from tests.browser.conftest import log_in
from tests.profiles.page_helpers import make_delivery, make_encrypted_profile, make_profile

LIST = "/account/callback-profiles/"


def test_log_in(page: Page, alice):
    page.goto(LIST)
    expect(page).to_have_title(re.compile("^Log in"))
    page.get_by_label("Email").fill(alice.user.username)
    page.get_by_label("Password").fill(alice.password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Callback Profiles", level=1)).to_be_visible()
    expect(page.locator(".account-name")).to_contain_text("Alice Co")
    expect(page).to_have_title(re.compile("^Callback Profiles · Alice Co"))


def test_create_sms_post_profile_with_the_variable_picker(
    logged_in_page: Page, alice, screenshot, clipboard
):
    page = logged_in_page
    page.goto(LIST)
    page.get_by_role("link", name="+ Add New").click()
    expect(page).to_have_title(re.compile("^Add Callback Profile"))

    page.get_by_label("Title").fill("SMS-campaign")
    page.get_by_label("Select Channel API").select_option(label=catalog.channel("sms").label)
    expect(page.get_by_label("Events for the selected channel")).to_have_value("SMS Send")
    # SMS leaves only GET and POST.
    method = page.get_by_label("HTTP Method")
    expect(method.locator("option[value=PUT]")).to_be_disabled()
    expect(method.locator("option[value=DELETE]")).to_be_disabled()
    method.select_option("POST")
    page.get_by_label("Enter Endpoint").fill("https://example.com/sms/status")

    # Dynamic Variables -> View -> Select All -> Copy to Clipboard, then X.
    page.get_by_role("button", name="Dynamic Variables View").click()
    dialog = page.get_by_role("dialog", name="List Dynamic Variables")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Select All").click()
    sms_sent = catalog.event("SMS-sent").variable_names
    expect(dialog.locator("#selected-count")).to_have_text(
        f"{len(sms_sent)} of {len(sms_sent)} selected"
    )
    screenshot(page, "add-profile-with-variable-picker", full_page=False)
    dialog.get_by_role("button", name="Copy to Clipboard").click()
    expect(dialog.locator("#variables-message")).to_contain_text("Copied")
    copied = clipboard(page)
    assert json.loads(copied) == {name: f"<{name}>" for name in sms_sent}
    dialog.get_by_role("button", name="Close", exact=True).first.click()
    expect(dialog).to_be_hidden()

    # Paste into the Request Body, as a user would.
    body = page.get_by_label("Request Body")
    body.click()
    page.keyboard.press("Control+V")
    expect(body).to_have_value(copied)

    # Two headers with + Add more.
    page.get_by_label("Header 1 key").fill("api-key")
    page.get_by_label("Header 1 value").fill("k-123")
    page.get_by_role("button", name="+ Add more").click()
    page.get_by_label("Header 2 key").fill("X-Team")
    page.get_by_label("Header 2 value").fill("blue")

    # Enable Encryption reveals its fields.
    algorithm = page.get_by_label("Algorithm")
    expect(algorithm).to_be_hidden()
    page.get_by_text("Enable Encryption").click()
    expect(algorithm).to_be_visible()
    algorithm.select_option("AES-256-GCM")
    expect(page.locator("#gcm-warning")).to_be_visible()
    page.get_by_label("Key", exact=True).fill("k" * 32)
    page.get_by_label("Initialization Vector").fill("i" * 16)
    page.get_by_role("radio", name=re.compile("^Safer")).check()
    expect(page.locator("#gcm-warning")).to_be_hidden()
    page.get_by_role("group", name="Parameters").get_by_label("recipient", exact=True).check()

    screenshot(page, "add-profile-form")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("Callback profile “SMS-campaign” created.")
    profile_id = page.locator("#profile-id").inner_text()
    assert re.fullmatch(r"IN_[0-9a-f-]{36}", profile_id)
    page.get_by_role("button", name="Copy").first.click()
    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    assert clipboard(page) == profile_id
    screenshot(page, "profile-page")

    saved = CallbackProfile.objects.select_related("encryption").get(profile_id=profile_id)
    assert saved.account == alice.account and saved.http_method == "POST"
    assert saved.body == {name: f"<{name}>" for name in sms_sent}
    assert [(h.name, h.value) for h in saved.headers.all()] == [("api-key", "k-123"),
                                                               ("X-Team", "blue")]
    assert saved.encryption.algorithm == "AES-256-GCM"
    assert saved.encryption.nonce_mode == "random_nonce"
    assert saved.encryption.params == ["recipient"]

    # Find it in the list with the name filter and the method filter.
    make_profile(alice.account, "SMS-campaign GET", http_method="GET", body=None)
    make_profile(alice.account, "Billing")
    page.get_by_role("link", name="Callback Profiles", exact=True).first.click()
    page.get_by_label("Search by name").fill("sms-camp")
    page.get_by_label("HTTP Method").select_option("POST")
    page.get_by_role("button", name="Search").click()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(profile_id)
    expect(rows.first.locator(".badge")).to_have_text("Active")
    expect(page).to_have_url(re.compile(r"title=sms-camp&http_method=POST"))
    screenshot(page, "profile-list")
    rows.first.get_by_role("button", name="Copy ID of SMS-campaign").click()
    assert clipboard(page) == profile_id


def test_create_get_profile_by_insert_into_the_url(logged_in_page: Page):
    page = logged_in_page
    page.goto(LIST + "new/")
    page.get_by_label("Title").fill("SMS GET hook")
    page.get_by_label("HTTP Method").select_option("GET")
    expect(page.get_by_label("Request Body")).to_be_hidden()
    page.get_by_label("Enter Endpoint").fill("https://example.com/cb?source=kaleyra")

    page.get_by_role("button", name="Dynamic Variables View").click()
    dialog = page.get_by_role("dialog", name="List Dynamic Variables")
    dialog.get_by_role("checkbox", name="status", exact=True).check()
    dialog.get_by_role("checkbox", name="recipient", exact=True).check()
    # What is copied is what the URL needs after what it has: "&" after "?source=kaleyra".
    expect(dialog.get_by_label("What will be copied")).to_have_value(
        "&status=<status>&recipient=<recipient>"
    )
    dialog.get_by_role("button", name="Insert into Endpoint URL").click()
    expect(dialog).to_be_hidden()
    endpoint = page.get_by_label("Enter Endpoint")
    expect(endpoint).to_have_value(
        "https://example.com/cb?source=kaleyra&status=<status>&recipient=<recipient>"
    )
    expect(endpoint).to_be_focused()
    page.get_by_role("button", name="Save").click()

    expect(page.locator(".messages")).to_contain_text("created")
    saved = CallbackProfile.objects.get(profile_id=page.locator("#profile-id").inner_text())
    assert saved.http_method == "GET" and saved.body is None
    assert saved.url == "https://example.com/cb?source=kaleyra&status=<status>&recipient=<recipient>"


def test_insert_merges_into_the_request_body(logged_in_page: Page):
    page = logged_in_page
    page.goto(LIST + "new/")
    body = page.get_by_label("Request Body")
    body.fill('{"app": "shop", "status": "<status>"}')
    page.get_by_role("button", name="Dynamic Variables View").click()
    dialog = page.get_by_role("dialog", name="List Dynamic Variables")
    dialog.get_by_role("checkbox", name="status", exact=True).check()
    dialog.get_by_role("checkbox", name="message_id", exact=True).check()
    dialog.get_by_role("button", name="Insert into Request Body").click()
    assert json.loads(body.input_value()) == {
        "app": "shop", "status": "<status>", "message_id": "<message_id>"
    }


def test_picker_works_from_the_keyboard(logged_in_page: Page):
    page = logged_in_page
    page.goto(LIST + "new/")
    view = page.get_by_role("button", name="Dynamic Variables View")
    view.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="List Dynamic Variables")
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(view).to_be_focused()


def test_copy_works_without_the_async_clipboard_api(logged_in_page: Page, clipboard):
    """Plain http:// on a LAN address has no navigator.clipboard; copying must still work."""
    page = logged_in_page
    page.add_init_script(
        "window.__realClipboard = navigator.clipboard;"
        "Object.defineProperty(navigator, 'clipboard', {value: undefined});"
    )
    page.goto(LIST + "new/")
    page.get_by_label("HTTP Method").select_option("GET")
    page.get_by_role("button", name="Dynamic Variables View").click()
    dialog = page.get_by_role("dialog", name="List Dynamic Variables")
    dialog.get_by_role("checkbox", name="status", exact=True).check()
    dialog.get_by_role("button", name="Copy to Clipboard").click()
    expect(dialog.locator("#variables-message")).to_contain_text("Copied")
    assert page.evaluate("window.__realClipboard.readText()") == "?status=<status>"


def test_test_button_against_a_local_receiver(
    logged_in_page: Page, httpserver, settings_private_ok
):
    httpserver.expect_request("/hook", method="POST").respond_with_data("received", status=200)
    page = logged_in_page
    page.goto(LIST + "new/")
    page.get_by_label("Enter Endpoint").fill(httpserver.url_for("/hook"))
    page.get_by_label("Request Body").fill('{"status": "<status>"}')
    page.get_by_role("button", name="Test").click()
    result = page.locator("#test-result")
    expect(result.locator("[data-test-status]")).to_have_text("HTTP 200")
    expect(result).to_contain_text("Test succeeded")
    expect(result).to_contain_text("received")
    expect(result).to_contain_text("POST " + httpserver.url_for("/hook"))
    (request, _), = httpserver.log
    assert json.loads(request.get_data())["status"]
    assert not CallbackProfile.objects.exists()

    # A mistake is shown next to its field, without leaving the page.
    page.get_by_label("Request Body").fill('{"status": ')
    page.get_by_role("button", name="Test").click()
    expect(page.locator("#id_body_error")).to_contain_text("not valid JSON")
    expect(result).to_contain_text("Test not sent")


def test_editing_an_sms_profile_keeps_the_channel_locked(logged_in_page: Page, alice):
    profile = make_profile(alice.account, "Locked SMS", headers={"api-key": "abc"})
    page = logged_in_page
    page.goto(LIST)
    page.get_by_role("link", name="Edit Locked SMS").click()
    expect(page).to_have_title(re.compile("^Edit Locked SMS"))
    channel = page.get_by_label("Select Channel API")
    expect(channel).to_be_disabled()
    expect(channel).to_have_value("sms")
    expect(page.get_by_text("The channel of a saved profile cannot be changed.")).to_be_visible()
    expect(page.get_by_label("Header 1 key")).to_have_value("api-key")
    page.get_by_label("Title").fill("Locked SMS v2")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("“Locked SMS v2” saved.")
    profile.refresh_from_db()
    assert profile.title == "Locked SMS v2" and profile.channel == "sms"
    assert [h.name for h in profile.headers.all()] == ["api-key"]


def test_server_errors_keep_what_was_typed(logged_in_page: Page):
    page = logged_in_page
    page.goto(LIST + "new/")
    page.get_by_label("Title").fill("x")
    page.get_by_label("Enter Endpoint").fill("example.com/no-scheme")
    page.get_by_label("Header 1 key").fill("X-Kept")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#form-errors")).to_contain_text("The profile was not saved.")
    expect(page.locator("#id_title_error")).to_contain_text("fewer than 3 characters")
    expect(page.get_by_label("Title")).to_have_value("x")
    expect(page.get_by_label("Enter Endpoint")).to_have_value("example.com/no-scheme")
    expect(page.get_by_label("Header 1 key")).to_have_value("X-Kept")
    expect(page).to_have_title(re.compile(r"\(errors\)"))


def test_after_a_server_error_the_summary_has_focus_and_links_to_the_first_error(
    logged_in_page: Page,
):
    page = logged_in_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(LIST + "new/")
    page.get_by_label("Title").fill("Encrypted hook")
    page.get_by_label("Enter Endpoint").fill("https://example.com/cb")
    page.get_by_text("Enable Encryption").click()
    page.get_by_label("Algorithm").select_option("AES-256-GCM")
    page.get_by_label("Key", exact=True).fill("too-short")
    page.get_by_label("Initialization Vector").fill("i" * 16)
    page.get_by_role("button", name="Save").click()
    summary = page.locator("#form-errors")
    expect(summary).to_be_focused()
    link = summary.get_by_role("link", name=re.compile("^Key must be exactly 32 characters"))
    expect(link).to_be_visible()
    key_row = page.locator("#row-enc-key")
    expect(key_row).not_to_be_in_viewport()  # far below, as the issue found it
    link.click()
    expect(key_row).to_be_in_viewport()
    expect(page.locator("#id_enc-key_error")).not_to_be_empty()


def test_delete_a_profile(logged_in_page: Page, alice):
    make_profile(alice.account, "Keep me")
    make_profile(alice.account, "Remove me")
    page = logged_in_page
    page.goto(LIST)
    page.get_by_role("link", name="Delete Remove me").click()
    expect(page.get_by_role("heading", name="Delete “Remove me”?")).to_be_visible()
    page.get_by_role("button", name="Delete profile").click()
    expect(page.locator(".messages")).to_contain_text("Callback profile “Remove me” deleted.")
    expect(page.locator("tbody")).not_to_contain_text("Remove me")
    expect(page.locator("tbody")).to_contain_text("Keep me")
    assert list(CallbackProfile.objects.values_list("title", flat=True)) == ["Keep me"]


def test_pages_fit_a_phone_screen(browser, live_server, alice, screenshot):
    profile = make_encrypted_profile(alice.account, "Phone check")
    make_delivery(profile)
    make_delivery(profile, "failed", code=500)
    # Not is_mobile: a mobile viewport zooms out to fit wide content, hiding the overflow.
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True,
                                  base_url=live_server.url)
    try:
        log_in(context, alice.user, live_server.url)
        page = context.new_page()
        pages = {
            "phone-profile-list": LIST,
            "phone-add-profile": LIST + "new/",
            "phone-profile-page": f"{LIST}{profile.profile_id}/",
        }
        for name, path in pages.items():
            page.goto(path)
            # Wide tables scroll inside their own box; the page itself never scrolls sideways.
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            wide = page.evaluate("""() => Array.from(document.querySelectorAll('body *'))
                .filter(e => e.offsetWidth > window.innerWidth)
                .slice(0, 5).map(e => e.tagName + '.' + e.className + '#' + e.id)""")
            assert overflow <= 0, f"{path} is {overflow}px wider than the phone: {wide}"
            screenshot(page, name)
    finally:
        context.close()


def test_the_form_works_without_javascript(
    browser, live_server, alice, httpserver, settings_private_ok
):
    httpserver.expect_request("/nojs").respond_with_data("fine", status=200)
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    try:
        log_in(context, alice.user, live_server.url)
        page = context.new_page()
        page.goto(LIST + "new/")
        # No JS: no View button or + Add more, but spare header rows and every field showing.
        expect(page.get_by_role("button", name="+ Add more")).to_be_hidden()
        expect(page.get_by_label("Algorithm")).to_be_visible()
        page.get_by_label("Title").fill("No JS hook")
        page.get_by_label("Enter Endpoint").fill(httpserver.url_for("/nojs"))
        page.get_by_label("Request Body").fill('{"status": "<status>"}')
        page.get_by_label("Header 1 key").fill("X-One")
        page.get_by_label("Header 1 value").fill("1")
        page.get_by_label("Header 2 key").fill("X-Two")
        page.get_by_label("Header 2 value").fill("2")

        page.get_by_role("button", name="Test").click()
        expect(page.locator("#test-result [data-test-status]")).to_have_text("HTTP 200")
        expect(page.get_by_label("Header 2 key")).to_have_value("X-Two")
        assert len(httpserver.log) == 1

        page.get_by_role("button", name="Save").click()
        expect(page.locator(".messages")).to_contain_text("“No JS hook” created.")
        saved = CallbackProfile.objects.get(profile_id=page.locator("#profile-id").inner_text())
        assert [(h.name, h.value) for h in saved.headers.all()] == [("X-One", "1"), ("X-Two", "2")]
    finally:
        context.close()


def test_profile_page_chart_log_and_secrets(logged_in_page: Page, alice, screenshot):
    from datetime import timedelta

    from django.utils import timezone

    profile = make_encrypted_profile(alice.account, "Busy hook")
    now = timezone.now()
    for hours_ago, ok, failed in [(20, 4, 0), (12, 6, 2), (5, 3, 3), (1, 8, 1), (0, 2, 0)]:
        for _ in range(ok):
            make_delivery(profile, "succeeded", at=now - timedelta(hours=hours_ago))
        for _ in range(failed):
            make_delivery(profile, "failed", code=502, latency=15000, attempts=8,
                          at=now - timedelta(hours=hours_ago))
    page = logged_in_page
    page.goto(f"{LIST}{profile.profile_id}/")
    expect(page.locator(".chart-summary")).to_contain_text("23 succeeded")
    expect(page.locator(".chart-summary")).to_contain_text("6 failing")
    expect(page.locator(".chart-wide .fail")).to_have_count(3)
    expect(page.locator(".chart-narrow")).to_be_hidden()  # the phone-sized chart

    # Secrets are masked until revealed.
    key = page.get_by_text("0123456789abcdef", exact=True)
    expect(key).to_be_hidden()
    page.locator("summary", has_text="encryption key").click()
    expect(key).to_be_visible()

    expect(page.get_by_role("link", name=re.compile("^Details of the delivery"))).to_have_count(20)
    screenshot(page, "profile-page-with-deliveries")
    page.get_by_role("link", name="Older →").click()
    expect(page.get_by_role("link", name=re.compile("^Details of the delivery"))).to_have_count(9)
