"""Browser: create a New Configuration on the Receive Message tab, then see an incoming SMS
(injected with the Simulate form) in Logs, with its callback delivered to a real receiver.

Runs real Chromium through Playwright, with the shared fixtures of tests/browser/conftest.py.
"""

from __future__ import annotations

import pytest
from pytest_httpserver import HTTPServer

from profiles.services import profile_create
from profiles.validation import ProfileInput
from receive_sms.models import IncomingMessage, ReceiveConfiguration
from receive_sms.services import vmn_provision

VMN_NUMBER = "+919870012345"


@pytest.mark.django_db(transaction=True)
def test_new_configuration_then_incoming_message_in_logs(
    live_server, page, alice, settings_private_ok, httpserver: HTTPServer, run_tasks
):
    httpserver.expect_request("/incoming", method="POST").respond_with_data("ok")
    vmn_provision(account=alice.account, number=VMN_NUMBER)
    profile_create(account=alice.account, data=ProfileInput(
        title="Inbound hook", channel="default", http_method="POST",
        url=httpserver.url_for("/incoming"), body={"text": "<message>", "kw": "<keyword>"},
    ))
    page.goto(f"{live_server.url}/login/?next=/channels/")
    page.fill("#id_username", alice.user.username)
    page.fill("#id_password", alice.password)
    page.click("button[type=submit]")
    page.get_by_role("link", name="Manage").click()
    page.get_by_role("link", name="Receive Message").click()
    page.get_by_role("link", name="New Configuration").click()

    page.get_by_label("Keyword").fill("stop")
    assert page.get_by_label("Trigger URL").is_checked()
    page.get_by_label("Trigger Type").select_option(label="Callback ID")
    page.get_by_label("Callback Profile").select_option(label=f"Inbound hook ({_profile_id()})")
    page.get_by_label("Trigger URL").uncheck()
    assert page.locator("#trigger-fields").is_hidden()
    page.get_by_label("Trigger URL").check()
    page.get_by_role("button", name="Save").click()

    page.get_by_text("The configuration is created.").wait_for()
    assert page.locator("table").get_by_text("STOP").is_visible()
    assert ReceiveConfiguration.objects.get().callback_profile.title == "Inbound hook"

    page.get_by_role("link", name="Logs", exact=True).click()
    page.get_by_label("Message", exact=True).fill("STOP testing message")
    page.get_by_label("Operator").fill("JIO")
    page.get_by_role("button", name="Simulate incoming SMS").click()
    page.get_by_text("matched STOP").wait_for()
    row = page.locator("#incoming-log tbody tr").first
    assert "STOP testing message" in row.inner_text()
    assert "Pending" in row.inner_text()

    run_tasks()
    page.reload()
    row = page.locator("#incoming-log tbody tr").first
    assert "Succeeded (200)" in row.inner_text()
    assert IncomingMessage.objects.get().matched is True
    assert httpserver.log[0][0].get_json() == {"text": "STOP testing message", "kw": "STOP"}


def _profile_id() -> str:
    from profiles.models import CallbackProfile

    return CallbackProfile.objects.get().profile_id


@pytest.mark.django_db(transaction=True)
def test_a_configuration_with_every_action_off_is_refused_with_a_visible_error(
    logged_in_page, alice
):
    vmn_provision(account=alice.account, number=VMN_NUMBER)
    page = logged_in_page
    page.goto("/channels/sms/receive/new/")

    page.get_by_label("Keyword").fill("promotwo")
    page.get_by_label("Trigger URL").uncheck()
    for name in ("Auto Reply", "Forward", "Subscribe", "Unsubscribe"):
        assert not page.get_by_label(name, exact=True).is_checked()
    page.get_by_role("button", name="Save").click()

    error = page.get_by_role("alert")
    error.get_by_text("The configuration was not saved.").wait_for()
    assert error.get_by_text("Must turn on at least one action: Subscribe, Unsubscribe, "
                             "Auto Reply, Forward or Trigger URL.").is_visible()
    assert page.get_by_label("Keyword").input_value() == "promotwo"
    assert not ReceiveConfiguration.objects.exists()
