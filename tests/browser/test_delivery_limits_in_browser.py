"""The Add Callback Profile window's collapsed Advanced delivery section (real Chromium): a
Test with a bad limit opens it at the error; fixed limits are saved and shown on the page."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from profiles.models import CallbackProfile


def test_advanced_delivery_limits_are_set_in_the_add_window(
    logged_in_page: Page, httpserver, settings_private_ok
):
    httpserver.expect_request("/cb", method="POST").respond_with_data("ok")
    page = logged_in_page
    page.goto("/account/callback-profiles/new/")
    page.get_by_label("Title").fill("Limited reports")
    page.get_by_label("Enter Endpoint").fill(httpserver.url_for("/cb"))

    section = page.locator("#delivery-fields")
    concurrency = page.get_by_label("Max concurrent requests")
    expect(concurrency).to_be_hidden()  # collapsed by default
    section.locator("summary").click()
    concurrency.fill("0")
    section.locator("summary").click()
    expect(concurrency).to_be_hidden()

    page.get_by_role("button", name="Test").click()
    # The error is inside the collapsed section: the page opens it.
    expect(page.locator("#id_delivery-max_concurrency_error")).to_have_text(
        "Max concurrent requests must be at least 1.")
    expect(concurrency).to_be_visible()
    assert len(httpserver.log) == 0

    concurrency.fill("4")
    page.get_by_label("Rate limit").fill("10")
    page.get_by_label("Per", exact=True).select_option("minute")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("heading", name="Limited reports")).to_be_visible()
    expect(page.locator("#delivery-limits")).to_have_text(
        "At most 4 requests at once per worker; 10 requests per minute")
    expect(page.locator("#endpoint-health")).to_have_text("Not paused: no recent failures")
    profile = CallbackProfile.objects.get()
    assert (profile.max_concurrency, profile.rate_limit, profile.rate_limit_period) == \
        (4, 10, "minute")
