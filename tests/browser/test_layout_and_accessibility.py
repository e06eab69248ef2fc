"""Every page of the product at 1280 px and 390 px, with real data (deliveries, inbox entries,
long bodies that scroll in their boxes, a preview on recent traffic): nothing scrolls sideways,
every link, button and badge (each row's actions included) is inside the viewport and not
clipped by a scrolling box, the top navigation is one line at 1280 px; and axe-core (from npm)
finds no violation, in light and in dark mode.

Full-page screenshots of each page at both widths go to artifacts/screenshots/layout-<width>-*.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from tests.browser.conftest import log_in
from tests.browser.product_pages import product_pages, seed_every_page

WIDTHS = {1280: 900, 390: 844}

# Everything a user reads or clicks must lie inside the viewport and inside every box that
# clips it (a table's scrolling wrapper cut the Delete action and the Callback column).
CUT_OFF = """() => {
  const vw = window.innerWidth;
  const problems = [];
  const overflow = document.documentElement.scrollWidth - vw;
  if (overflow > 0) { problems.push(`the page scrolls sideways by ${overflow}px`); }
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '') +
    ' "' + (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 40) + '"';
  const selector = 'header a, header button, main a, main button, main .badge, main input, ' +
    'main select, main textarea, main label, dialog[open] a, dialog[open] button, dialog[open] input';
  for (const el of document.querySelectorAll(selector)) {
    const box = el.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1) { continue; }  // not shown (closed, visually hidden)
    let left = 0, right = vw;
    for (let up = el.parentElement; up && up !== document.documentElement; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== 'visible') {
        const clip = up.getBoundingClientRect();
        left = Math.max(left, clip.left); right = Math.min(right, clip.right);
      }
    }
    if (box.left < left - 1 || box.right > right + 1) {
      problems.push(`${name(el)} is cut off: ${Math.round(box.left)}..${Math.round(box.right)} ` +
                    `outside ${Math.round(left)}..${Math.round(right)}`);
    }
  }
  return problems;
}"""

AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => `${v.id} (${v.impact}): ${v.help} -> ` +
    v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
}"""


@pytest.fixture
def seeded(alice, settings_private_ok):
    settings_private_ok.SMS_DLR_DELAY_SECONDS = 3600  # messages stay "waiting" on the page
    return seed_every_page(alice)


def _context(browser: Browser, live_server, width: int, **options) -> BrowserContext:
    return browser.new_context(viewport={"width": width, "height": WIDTHS[width]},
                               base_url=live_server.url, **options)


@pytest.fixture
def open_context(browser, live_server) -> Iterator:
    opened: list[BrowserContext] = []

    def make(width: int, **options) -> BrowserContext:
        context = _context(browser, live_server, width, **options)
        opened.append(context)
        return context

    yield make
    for context in opened:
        context.close()


def _visit(page: Page, path: str) -> None:
    page.goto(path)
    page.wait_for_load_state("load")


def _show_placeholder_warning(page: Page) -> None:
    """The add form after Save with a misspelled placeholder: the warning state."""
    page.goto("/account/callback-profiles/new/")
    page.get_by_label("Title").fill("Typo hook")
    page.get_by_label("Enter Endpoint").fill("https://example.com/cb")
    page.get_by_label("Request Body").fill('{"status": "<statuss>"}')
    page.get_by_role("button", name="Save").click()
    page.locator("#placeholder-warning").wait_for()


def _show_server_errors(page: Page) -> None:
    """The add form after Save with errors: the summary with its links."""
    page.goto("/account/callback-profiles/new/")
    page.get_by_label("Title").fill("x")
    page.get_by_role("button", name="Save").click()
    page.locator("#form-errors").wait_for()


def _show_preview(page: Page, profile_id: str) -> None:
    """The edit page with Preview on recent traffic open (the seeded real deliveries)."""
    page.goto(f"/account/callback-profiles/{profile_id}/edit/")
    page.get_by_role("button", name="Preview on recent traffic").click()
    page.locator("#preview-result [data-preview-item]").first.wait_for()


# Extra states of a page: (after which page, name, how to get there).
STATES = [
    ("add-profile", "placeholder-warning", lambda page, seeded: _show_placeholder_warning(page)),
    ("add-profile", "server-errors", lambda page, seeded: _show_server_errors(page)),
    ("edit-profile", "preview", lambda page, seeded: _show_preview(page,
                                                                   seeded.profile.profile_id)),
]

# The top navigation stays on one line on a laptop.
NAV_LINES = """() => new Set([...document.querySelectorAll('.topnav a')]
  .map(a => Math.round(a.getBoundingClientRect().top))).size"""


def _open_variables_dialog(page: Page) -> None:
    page.get_by_role("button", name="Dynamic Variables View").click()
    page.get_by_role("dialog", name="List Dynamic Variables").wait_for()


@pytest.mark.parametrize("width", list(WIDTHS))
def test_every_page_fits_the_screen_with_every_action_visible(
    open_context, live_server, alice, seeded, screenshot, width
):
    context = open_context(width, has_touch=width < 760)
    log_in(context, alice.user, live_server.url)
    page = context.new_page()
    problems: dict[str, list[str]] = {}
    for name, path in product_pages(seeded):
        _visit(page, path)
        problems[name] = page.evaluate(CUT_OFF)
        screenshot(page, f"layout-{width}-{name}")
        if name == "add-profile":
            _open_variables_dialog(page)
            problems["variables-dialog"] = page.evaluate(CUT_OFF)
            dialog_overflow = page.evaluate(
                "() => { const d = document.querySelector('dialog[open]');"
                " const b = d.getBoundingClientRect();"
                " return [b.left, window.innerWidth - b.right, d.scrollWidth - d.clientWidth]; }"
            )
            if min(dialog_overflow[:2]) < 0 or dialog_overflow[2] > 0:
                problems["variables-dialog"].append(f"dialog overflows: {dialog_overflow}")
            screenshot(page, f"layout-{width}-variables-dialog", full_page=False)
        if width == 1280 and page.evaluate(NAV_LINES) > 1:
            problems[name].append("the top navigation wraps onto a second line")
        for after, state, show in STATES:
            if after == name:
                show(page, seeded)
                problems[state] = page.evaluate(CUT_OFF)
                screenshot(page, f"layout-{width}-{state}")
    context.clear_cookies()
    _visit(page, "/login/")
    problems["login"] = page.evaluate(CUT_OFF)
    screenshot(page, f"layout-{width}-login")

    found = {name: issues for name, issues in problems.items() if issues}
    assert found == {}, f"At {width} px: {found}"


def test_the_phone_chart_is_tall_enough_to_read(open_context, live_server, alice, seeded):
    context = open_context(390)
    log_in(context, alice.user, live_server.url)
    page = context.new_page()
    _visit(page, f"/account/callback-profiles/{seeded.profile.profile_id}/")
    chart = page.locator("svg.chart-narrow")
    box = chart.bounding_box()
    assert box is not None and box["height"] >= 180, box
    assert page.locator("svg.chart-wide").bounding_box() is None  # not shown on a phone
    label = chart.locator("text.tick").first.bounding_box()
    assert label is not None and label["height"] >= 10  # readable tick labels


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violation_on_any_page(
    open_context, live_server, alice, seeded, axe_source, screenshot, scheme
):
    context = open_context(1280, color_scheme=scheme)
    log_in(context, alice.user, live_server.url)
    page = context.new_page()
    violations: dict[str, list[str]] = {}

    axe = axe_source.read_text()

    def check(name: str) -> None:
        # Evaluated by the test (as a browser extension would be), not added as a <script>:
        # the pages' Content-Security-Policy refuses inline scripts.
        page.evaluate(axe)
        violations[name] = page.evaluate(AXE_RUN)

    for name, path in product_pages(seeded):
        _visit(page, path)
        check(name)
        if scheme == "dark" and name in ("profile-page", "receive-logs"):
            screenshot(page, f"dark-{name}", full_page=False)
        if name == "add-profile":
            _open_variables_dialog(page)
            check("variables-dialog")
        for after, state, show in STATES:
            if after == name:
                show(page, seeded)
                check(state)
    context.clear_cookies()
    _visit(page, "/login/")
    check("login")

    found = {name: found for name, found in violations.items() if found}
    assert found == {}, f"axe-core, {scheme} mode: {found}"
