"""Advanced authentication (OAuth) on the profile form, in real Chromium against the live server."""

from __future__ import annotations

import base64
import uuid

from playwright.sync_api import Page, expect

from profiles.models import ProfileAuth

NEW = "/account/callback-profiles/new/"


def test_toggle_reveals_oauth_fields_and_test_then_save_use_them(
    logged_in_page: Page, alice, httpserver, settings_private_ok
):
    secret = f"cs-{uuid.uuid4().hex}"
    basic = "Basic " + base64.b64encode(f"acme:{secret}".encode()).decode()
    token = f"tok-{uuid.uuid4().hex}"
    httpserver.expect_request(
        "/oauth/token", method="POST", headers={"Authorization": basic}
    ).respond_with_json({"access_token": token, "expires_in": 600})
    httpserver.expect_request(
        "/hook", method="POST", headers={"Authorization": f"Bearer {token}"}
    ).respond_with_data("received", status=200)
    page = logged_in_page
    page.goto(NEW)
    page.get_by_label("Title").fill("OAuth receiver")
    page.get_by_label("Enter Endpoint").fill(httpserver.url_for("/hook"))

    token_url = page.get_by_label("Token URL")
    expect(token_url).to_be_hidden()
    page.get_by_role("switch", name="Advanced authentication (OAuth)").check()
    expect(token_url).to_be_visible()
    token_url.fill(httpserver.url_for("/oauth/token"))
    page.get_by_label("Client ID").fill("acme")
    page.get_by_label("Client Secret").fill(secret)

    page.get_by_role("button", name="Test").click()
    result = page.locator("#test-result")
    expect(result.locator("[data-test-status]")).to_have_text("HTTP 200")
    expect(result).to_contain_text("Authorization: Bearer ••••")
    expect(result).not_to_contain_text(token)

    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("“OAuth receiver” created.")
    auth = ProfileAuth.objects.get(profile__account=alice.account)
    assert (auth.client_id, auth.client_secret) == ("acme", secret)
    summary = page.locator("#auth-summary")
    expect(summary).to_contain_text(httpserver.url_for("/oauth/token"))
    expect(summary.get_by_text(secret)).to_be_hidden()  # masked until "Reveal"
    summary.get_by_text("Reveal").click()
    expect(summary.get_by_text(secret)).to_be_visible()
