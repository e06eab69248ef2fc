"""Real Chromium (the Debian package) driven by Playwright against pytest-django's live server.

One browser per test process (session scope; each xdist worker gets its own), a fresh context
per test with clipboard permissions for the live server's origin, and a page that fails the
test on any JavaScript error or Content-Security-Policy violation (the pages run under the
product's policy, as in production).
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run",
]
SCREENSHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots"
NODE_DIR = Path(__file__).resolve().parent  # package.json pins axe-core
AXE_JS = NODE_DIR / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    # Playwright's sync API runs an event loop in this thread, which makes Django refuse ORM
    # calls from the test body ("async context"). The test body is not async code: allow it.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def context(browser: Browser, live_server) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    context.set_default_timeout(10_000)
    yield context
    context.close()


# Every Content-Security-Policy violation (a blocked inline script, style or handler) is
# reported as a console error, which fails the test below like any JavaScript error.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", function (event) {
  console.error("CSP violation: " + event.violatedDirective + " blocked " + event.blockedURI);
});
"""


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    context.add_init_script(REPORT_CSP_VIOLATIONS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # HTTP error statuses are logged as console errors too; those are tested where they matter.
    page.on(
        "console",
        lambda msg: errors.append(msg.text)
        if msg.type == "error" and not msg.text.startswith("Failed to load resource")
        else None,
    )
    yield page
    assert errors == [], f"JavaScript errors: {errors}"


def log_in(context: BrowserContext, user, live_server_url: str) -> None:
    """Give the browser a session of `user`, made by Django's test client, as a cookie."""
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server_url}]
    )


@pytest.fixture
def logged_in_page(page: Page, alice, live_server) -> Page:
    """alice's page (the log-in form itself is tested once, in test_log_in)."""
    log_in(page.context, alice.user, live_server.url)
    return page


@pytest.fixture
def screenshot():
    """Save a full-page screenshot to artifacts/screenshots/<name>.png (git-ignored)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page: Page, name: str, *, full_page: bool = True) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return take


@pytest.fixture
def clipboard():
    def read(page: Page) -> str:
        return page.evaluate("navigator.clipboard.readText()")

    return read


@pytest.fixture(scope="session")
def axe_source() -> Path:
    """axe-core from the npm registry (bin/test installs it; so does this, once, if missing).

    A file lock keeps parallel test workers from running npm at the same time.
    """
    if not AXE_JS.exists():
        npm = shutil.which("npm")
        assert npm, "npm is needed for the accessibility tests (apt-get install -y npm)"
        with open(NODE_DIR / ".npm-install.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not AXE_JS.exists():
                subprocess.run([npm, "install", "--no-audit", "--no-fund", "--silent"],
                               cwd=NODE_DIR, check=True, timeout=300)
    return AXE_JS
