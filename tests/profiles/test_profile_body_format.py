"""The body format of a profile: chosen in the Add/Edit window and the API, shown by Test."""

from __future__ import annotations

from xml.etree import ElementTree

from profiles.models import CallbackProfile

from .test_profile_form_page import NEW, form_data

API = "/v1/{sid}/callback/profiles"
XML = '<callback><state><status></state><to kind="msisdn"><recipient></to></callback>'


def test_api_creates_an_xml_profile_and_answers_its_format(alice):
    response = alice.api().post(API.format(sid=alice.sid), {
        "title": "XML reports", "channel": "sms", "http_method": "POST",
        "url": "https://example.com/xml", "body_format": "xml", "body": XML,
    }, format="json")

    assert response.status_code == 201, response.json()
    data = response.json()["data"]
    assert (data["body_format"], data["body"], data["managed"]) == ("xml", XML, False)


def test_api_form_formats_take_a_json_object_also_as_a_string(alice):
    response = alice.api().post(API.format(sid=alice.sid), {
        "title": "Form reports", "channel": "sms", "http_method": "POST",
        "url": "https://example.com/form", "body_format": "form",
        "body": '{"status": "<status>"}',
    }, format="json")

    assert response.status_code == 201
    assert response.json()["data"]["body"] == {"status": "<status>"}


def test_api_refuses_a_bad_format_or_body_with_the_envelope(alice):
    bad_format = alice.api().post(API.format(sid=alice.sid), {
        "title": "Bad", "channel": "sms", "http_method": "POST", "url": "https://example.com/",
        "body_format": "yaml",
    }, format="json")
    bad_xml = alice.api().post(API.format(sid=alice.sid), {
        "title": "Bad", "channel": "sms", "http_method": "POST", "url": "https://example.com/",
        "body_format": "xml", "body": "<a>",
    }, format="json")
    text_for_json = alice.api().post(API.format(sid=alice.sid), {
        "title": "Bad", "channel": "sms", "http_method": "POST", "url": "https://example.com/",
        "body": "not json",
    }, format="json")

    assert bad_format.json()["message"].startswith("body/body_format must be one of: json, form")
    assert bad_xml.json()["message"].startswith("body/body must be well-formed XML")
    assert text_for_json.json()["message"] == "body/body must be object (valid JSON)"
    assert {r.status_code for r in (bad_format, bad_xml, text_for_json)} == {400}


def test_add_window_saves_an_xml_profile(client, alice):
    client.force_login(alice.user)
    response = client.post(NEW, form_data(body_format="xml", body=XML))

    assert response.status_code == 302
    profile = CallbackProfile.objects.get()
    assert (profile.body_format, profile.body) == ("xml", XML)
    edit = client.get(f"/account/callback-profiles/{profile.profile_id}/edit/").content.decode()
    assert '<option value="xml" selected>XML</option>' in edit


def test_add_window_explains_broken_xml_next_to_the_body(client, alice):
    client.force_login(alice.user)
    response = client.post(NEW, form_data(body_format="xml", body="<a><b></a>"))

    assert response.status_code == 400
    assert "The request body must be well-formed XML" in response.content.decode()


def test_test_button_sends_and_shows_the_xml_body(client, alice, httpserver, settings_private_ok):
    httpserver.expect_request("/xml", method="POST").respond_with_data("ok")
    client.force_login(alice.user)

    response = client.post(f"{NEW}test/", form_data(
        url=httpserver.url_for("/xml"), body_format="xml", body=XML,
    ), HTTP_ACCEPT="application/json")

    result = response.json()
    assert result["ok"] is True
    assert result["request"]["headers"]["Content-Type"] == "application/xml; charset=utf-8"
    root = ElementTree.fromstring(result["request"]["body"])
    assert root.find("state").text and root.find("to").get("kind") == "msisdn"
    (received, _), = httpserver.log
    assert received.get_data(as_text=True) == result["request"]["body"]


def test_profile_page_shows_the_format_and_the_template_as_written(client, alice):
    client.force_login(alice.user)
    client.post(NEW, form_data(body_format="xml", body=XML))
    profile = CallbackProfile.objects.get()

    page = client.get(f"/account/callback-profiles/{profile.profile_id}/").content.decode()

    assert '<dd id="body-format">XML</dd>' in page
    assert "&lt;callback&gt;&lt;state&gt;&lt;status&gt;&lt;/state&gt;" in page
