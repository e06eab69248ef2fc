"""Misspelled placeholders are caught: a warning at Save that can be acknowledged (deliberate
literals still work), "rendered empty" in the Test output, and the catalog rules behind both."""

from __future__ import annotations

from profiles.models import CallbackProfile
from profiles.placeholders import (
    check_placeholders,
    placeholders_in,
    profile_misfits_for_incoming,
    unknown_placeholders,
)
from tests.profiles.page_helpers import make_profile

NEW = "/account/callback-profiles/new/"
TEST_NEW = "/account/callback-profiles/new/test/"


def form_data(**overrides) -> dict:
    data = {
        "title": "Typo hook", "channel": "sms", "http_method": "POST",
        "url": "https://example.com/callback",
        "body": '{"status": "<statuss>", "id": "<message_id>"}',
        "headers_name": [""], "headers_value": [""],
    }
    data.update(overrides)
    return data


def test_placeholders_are_found_in_url_keys_and_nested_values():
    names = placeholders_in(url="https://x.test/cb?s=<status>&p=<parts[2]>",
                            body={"<keyword>": {"list": ["<message>", "text <status>"]}})
    assert names == ["status", "parts[2]", "keyword", "message"]


def test_xml_and_html_markup_is_not_taken_for_placeholders():
    # As delivery/render.py fills them: only the channel's variables are placeholders there.
    body = "<sms><state><status></state><to><recipient></to><b>x</b><parts[2]></sms>"
    assert placeholders_in(body=body, body_format="xml", channel="sms") == [
        "status", "recipient", "parts[2]"]
    assert check_placeholders(channel="sms", url="https://x.test/cb",
                              body=body.replace("<parts[2]>", ""), body_format="html") == []
    # A text body has no markup: every <name> is a placeholder.
    assert placeholders_in(body="<sms> <status>", body_format="text") == ["sms", "status"]


def test_an_xml_profile_is_checked_against_incoming_sms_by_its_variables_only(alice):
    profile = CallbackProfile.objects.create(
        account=alice.account, title="XML", channel="sms", http_method="POST",
        url="https://x.test/cb", body_format="xml",
        body="<sms><from><source></from><id><message_id></id></sms>")
    assert profile_misfits_for_incoming(profile) == ["message_id"]


def test_unknown_placeholders_follow_the_event_catalog():
    assert unknown_placeholders(["status", "statuss", "units"], "SMS-sent") == ["statuss"]
    # parts[n] stands for every numbered part of an incoming message.
    assert unknown_placeholders(["parts[1]", "parts[12]", "parts[n]", "parts"],
                                "SMS-incoming") == ["parts"]
    assert unknown_placeholders(["sent_time", "message"], "SMS-incoming") == ["sent_time"]


def test_default_channel_profiles_are_checked_against_incoming_sms():
    (problem,) = check_placeholders(channel="default", url="https://x.test/?u=<units>", body=None)
    assert problem.event.value == "SMS-incoming" and problem.names == ["units"]
    assert "<units> is not a variable of “Incoming SMS (Receive Message)”" in problem.text


def test_save_with_a_misspelled_placeholder_warns_and_saves_nothing(client, alice):
    client.force_login(alice.user)
    response = client.post(NEW, form_data())
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="placeholder-warning"' in html
    assert "&lt;statuss&gt; is not a variable of “SMS Send”" in html
    assert "Save anyway: these are meant literally" in html
    assert not CallbackProfile.objects.exists()
    # Everything typed is kept for the fix.
    assert "&lt;statuss&gt;" in html and 'value="Typo hook"' in html


def test_the_warning_can_be_acknowledged_for_deliberate_literals(client, alice):
    client.force_login(alice.user)
    response = client.post(NEW, form_data(placeholders_ok="1"))
    assert response.status_code == 302
    assert CallbackProfile.objects.get().body == {"status": "<statuss>", "id": "<message_id>"}


def test_a_fixed_placeholder_saves_without_a_warning(client, alice):
    client.force_login(alice.user)
    response = client.post(NEW, form_data(body='{"status": "<status>"}'))
    assert response.status_code == 302


def test_errors_come_before_the_placeholder_warning(client, alice):
    client.force_login(alice.user)
    html = client.post(NEW, form_data(title="x")).content.decode()
    assert "fewer than 3 characters" in html and 'id="placeholder-warning"' not in html


def test_test_output_names_placeholders_that_rendered_empty(
    client, alice, httpserver, settings_private_ok
):
    httpserver.expect_request("/hook").respond_with_data("ok")
    client.force_login(alice.user)
    response = client.post(TEST_NEW, form_data(url=httpserver.url_for("/hook")),
                           HTTP_ACCEPT="application/json")
    result = response.json()
    assert result["ok"] is True
    assert result["empty_placeholders"] == ["statuss"]
    assert result["placeholder_problems"] == [
        "<statuss> is not a variable of “SMS Send”: sent as an empty value."
    ]
    # Without JS the same warning is drawn on the form.
    html = client.post(TEST_NEW, form_data(url=httpserver.url_for("/hook"))).content.decode()
    assert "Rendered empty: <code>&lt;statuss&gt;</code>" in html


def test_sms_send_profile_does_not_fit_an_incoming_sms(alice):
    dlr = make_profile(alice.account, "DLR", body={"t": "<sent_time>", "u": "<units>"})
    fits = make_profile(alice.account, "Fits", channel="default",
                        body={"text": "<message>", "word": "<parts[2]>"})
    everything = make_profile(alice.account, "Everything", body=None)
    assert profile_misfits_for_incoming(dlr) == ["sent_time", "units"]
    assert profile_misfits_for_incoming(fits) == []
    assert profile_misfits_for_incoming(everything) == []


def test_a_query_pair_glued_into_the_path_or_a_value_is_a_problem():
    (path,) = check_placeholders(channel="sms", url="https://x.test/gstatus=<status>", body=None)
    assert path.text == ("“gstatus=<status>” is glued to the path of the endpoint URL: "
                         "add “?” before it to send it as a query parameter.")
    (value,) = check_placeholders(channel="sms", url="https://x.test/g?a=1status=<status>",
                                  body=None)
    assert "glued to the previous parameter's value" in value.text and "“&”" in value.text
    assert check_placeholders(channel="sms", body=None,
                              url="https://x.test/<status>/g?a=1&status=<status>") == []


def test_save_with_a_glued_placeholder_warns_until_acknowledged(client, alice):
    client.force_login(alice.user)
    data = form_data(http_method="GET", body="", url="https://example.com/gstatus=<status>")
    html = client.post(NEW, data).content.decode()
    assert 'id="placeholder-warning"' in html and "add “?” before it" in html
    assert not CallbackProfile.objects.exists()
    assert client.post(NEW, {**data, "placeholders_ok": "1"}).status_code == 302


def test_a_duplicate_title_is_warned_about_until_acknowledged(client, alice):
    first = make_profile(alice.account, "Typo hook")
    client.force_login(alice.user)
    # Saving a profile under its own title again is no duplicate.
    response = client.post(f"/account/callback-profiles/{first.profile_id}/edit/",
                           form_data(title="Typo hook", body='{"status": "<status>"}'))
    assert response.status_code == 302
    data = form_data(title="typo HOOK ", body='{"status": "<status>"}')
    html = client.post(NEW, data).content.decode()
    assert 'id="placeholder-warning"' in html
    assert "Another profile is already called “typo HOOK”" in html
    assert CallbackProfile.objects.count() == 1
    assert client.post(NEW, {**data, "placeholders_ok": "1"}).status_code == 302
