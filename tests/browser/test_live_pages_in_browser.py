"""Pages update themselves in real Chromium: SMS Logs while the delivery report is pending, the
delivery detail while a resend waits for its attempt; and the Save warning for a misspelled
placeholder can be read and acknowledged."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from delivery.models import Delivery
from profiles.models import CallbackProfile
from sms.services import message_send
from tests.profiles.page_helpers import make_profile


def test_sms_logs_update_without_a_reload(
    logged_in_page: Page, alice, httpserver, settings_private_ok, run_tasks
):
    settings_private_ok.SMS_DLR_DELAY_SECONDS = 0
    httpserver.expect_request("/dlr").respond_with_data("ok")
    profile = make_profile(alice.account, url=httpserver.url_for("/dlr"))
    message_send(account=alice.account, to="+919876543210", body="hello",
                 callback_profile_id=profile.profile_id)
    page = logged_in_page
    page.goto("/sms/logs/")
    row = page.locator("#sms-log-rows tr").first
    expect(row).to_contain_text("Waiting for the delivery report")
    navigations = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))

    run_tasks()  # the carrier settles the SMS and the delivery report is sent

    expect(row).to_contain_text("Delivered", timeout=8000)
    expect(row).to_contain_text("Succeeded (200)", timeout=8000)
    expect(page.locator("[data-live-url]")).to_have_attribute("data-live-pending", "false")
    assert navigations == []  # updated in place, not reloaded


def test_a_resent_delivery_shows_its_attempt_without_a_reload(
    logged_in_page: Page, alice, httpserver, settings_private_ok, run_tasks
):
    from delivery.services import delivery_create

    httpserver.expect_request("/hook").respond_with_data("thanks")
    profile = make_profile(alice.account, url=httpserver.url_for("/hook"))
    original = delivery_create(profile=profile, event="SMS-sent", variables={"status": "x"},
                               source_type="test", source_id="1")
    run_tasks()
    page = logged_in_page
    page.goto(f"/deliveries/{original.pk}/")
    page.get_by_role("button", name="Resend").click()
    expect(page.locator(".messages")).to_contain_text("Queued for resend")
    expect(page.locator("#delivery-attempts")).to_contain_text("No attempt yet")

    run_tasks()

    expect(page.locator("#delivery-attempts")).to_contain_text("Attempt 1", timeout=8000)
    expect(page.locator("#delivery-status")).to_contain_text("Succeeded")
    assert Delivery.objects.filter(status="succeeded").count() == 2


def test_save_warns_about_a_misspelled_placeholder_and_can_be_acknowledged(
    logged_in_page: Page
):
    page = logged_in_page
    page.goto("/account/callback-profiles/new/")
    page.get_by_label("Title").fill("Typo hook")
    page.get_by_label("Enter Endpoint").fill("https://example.com/cb")
    page.get_by_label("Request Body").fill('{"status": "<statuss>"}')
    page.get_by_role("button", name="Save").click()
    warning = page.locator("#placeholder-warning")
    expect(warning).to_contain_text("<statuss> is not a variable of “SMS Send”")
    assert not CallbackProfile.objects.exists()
    page.get_by_label("Save anyway: these are meant literally").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("“Typo hook” created.")


def test_secrets_in_the_edit_form_show_on_request(logged_in_page: Page, alice):
    profile = make_profile(alice.account, headers={"api-key": "k-123"})
    page = logged_in_page
    page.goto(f"/account/callback-profiles/{profile.profile_id}/edit/")
    value = page.get_by_label("Header 1 value")
    expect(value).to_have_attribute("type", "password")
    page.get_by_role("button", name="Show value of header 1").click()
    expect(value).to_have_attribute("type", "text")
    expect(value).to_have_value("k-123")


def test_rotate_secret_needs_a_confirmation(logged_in_page: Page, alice):
    profile = make_profile(alice.account)
    before = profile.signing_secret
    page = logged_in_page
    page.goto(f"/account/callback-profiles/{profile.profile_id}/")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="Rotate secret").click()
    profile.refresh_from_db()
    assert profile.signing_secret == before
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Rotate secret").click()
    expect(page.locator(".messages")).to_contain_text("New signing secret created")
    profile.refresh_from_db()
    assert profile.signing_secret != before
