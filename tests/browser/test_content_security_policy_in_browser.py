"""The Content-Security-Policy is enforced in Chromium (an injected inline script does not run)
and the pages' own JavaScript works under it: here the confirmation of a form with
data-confirm; every other page's scripts run under it in the other browser tests, which fail
on any violation."""

from __future__ import annotations

from playwright.sync_api import BrowserContext, Page, expect

from accounts.models import ApiKey
from tests.browser.conftest import log_in


def test_an_injected_inline_script_is_blocked(context: BrowserContext, alice, live_server):
    log_in(context, alice.user, live_server.url)
    page = context.new_page()
    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text)
            if "Content Security Policy" in msg.text else None)

    response = page.goto("/account/callback-profiles/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert page.evaluate("document.documentElement.classList.contains('js')")  # page.js ran
    page.evaluate("""() => {
        const script = document.createElement("script");
        script.textContent = "window.injected = true;";
        document.body.appendChild(script);
    }""")

    assert page.evaluate("window.injected === undefined")
    page.wait_for_timeout(100)
    assert violations, "Chromium reported no violation"


def test_revoking_an_api_key_asks_first(logged_in_page: Page, alice):
    page = logged_in_page
    page.goto("/account/api-keys/")
    key = ApiKey.objects.get(account=alice.account)

    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="Revoke").click()
    key.refresh_from_db()
    assert key.is_active

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Revoke").click()
    expect(page.locator(".messages")).to_contain_text("revoked")
    key.refresh_from_db()
    assert not key.is_active
