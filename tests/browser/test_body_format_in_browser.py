"""The Add Callback Profile window with an XML body: pick the format, insert variables from the
picker, Test against a real local receiver, then Save (real Chromium)."""

from __future__ import annotations

import re
from xml.etree import ElementTree

from playwright.sync_api import Page, expect

from profiles.models import CallbackProfile


def test_pick_xml_insert_variables_test_and_save(
    logged_in_page: Page, httpserver, settings_private_ok
):
    httpserver.expect_request("/xml", method="POST").respond_with_data("got it")
    page = logged_in_page
    page.goto("/account/callback-profiles/new/")
    page.get_by_label("Title").fill("XML reports")
    page.get_by_label("Enter Endpoint").fill(httpserver.url_for("/xml"))

    page.get_by_label("Body Format").select_option(label="XML")
    body = page.get_by_label("Request Body")
    expect(body).to_have_value("<callback>\n</callback>")
    expect(page.locator("#body-format-label")).to_have_text("(XML)")

    page.get_by_role("button", name="Dynamic Variables View").click()
    dialog = page.get_by_role("dialog", name="List Dynamic Variables")
    dialog.get_by_role("checkbox", name="status", exact=True).check()
    dialog.get_by_role("checkbox", name="recipient", exact=True).check()
    dialog.get_by_role("button", name="Insert into Request Body").click()
    expect(body).to_have_value(re.compile(
        r'^<callback>\n  <field name="status"><status></field>\n'
        r'  <field name="recipient"><recipient></field>\n</callback>$'
    ))
    if dialog.is_visible():
        dialog.get_by_role("button", name="Close", exact=True).first.click()

    page.get_by_role("button", name="Test").click()
    result = page.locator("#test-result")
    expect(result.locator("[data-test-status]")).to_have_text("HTTP 200")
    expect(result).to_contain_text("Content-Type: application/xml; charset=utf-8")
    expect(result).to_contain_text('<field name="status">')
    (request, _), = httpserver.log
    root = ElementTree.fromstring(request.get_data())
    assert [field.get("name") for field in root] == ["status", "recipient"]
    assert all(field.text for field in root)

    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="XML reports")).to_be_visible()
    profile = CallbackProfile.objects.get()
    assert profile.body_format == "xml" and "<field name=\"status\">" in profile.body
