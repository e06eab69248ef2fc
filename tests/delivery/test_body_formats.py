"""Callback bodies in every format: JSON, form (urlencoded and multipart), XML, HTML and Text,
delivered to a real receiver on 127.0.0.1 and read back with standard parsers."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from xml.etree import ElementTree

import pytest
from pytest_httpserver import HTTPServer

from delivery.models import DeliveryStatus
from delivery.render import CallbackTemplate, render
from delivery.services import delivery_create
from profiles.services import profile_create
from profiles.validation import EncryptionInput, ProfileInput

pytestmark = pytest.mark.usefixtures("settings_private_ok")

NASTY = '</a><b>&"\' <status>'
VALUES = {"message_id": "m-1:1", "status": "DELIVRD", "recipient": "919876543210",
          "ref": NASTY, "units": 2}


def make_profile(account, url: str, **overrides):
    data = ProfileInput(title="Formats", channel="sms", http_method="POST", url=url)
    for name, value in overrides.items():
        setattr(data, name, value)
    return profile_create(account=account, data=data)


def deliver(profile, run_tasks, values=None):
    delivery = delivery_create(profile=profile, event="SMS-sent", variables=values or VALUES,
                               source_type="sms_message", source_id="m-1")
    run_tasks()
    delivery.refresh_from_db()
    return delivery


def received(httpserver: HTTPServer):
    (request, _), = httpserver.log
    return request


def test_urlencoded_content_type_header_delivers_form_fields(alice, httpserver, run_tasks):
    httpserver.expect_request("/form", method="POST").respond_with_data("ok")
    profile = make_profile(
        alice.account, httpserver.url_for("/form"),
        body={"id": "<message_id>", "state": "<status>", "ref": "<ref>", "units": "<units>"},
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )

    assert deliver(profile, run_tasks).status == DeliveryStatus.SUCCEEDED

    request = received(httpserver)
    assert request.mimetype == "application/x-www-form-urlencoded"
    assert request.form.to_dict() == {"id": "m-1:1", "state": "DELIVRD", "ref": NASTY,
                                      "units": "2"}


def test_multipart_header_delivers_a_multipart_body_a_standard_parser_reads(
    alice, httpserver, run_tasks
):
    httpserver.expect_request("/multi", method="POST").respond_with_data("ok")
    profile = make_profile(
        alice.account, httpserver.url_for("/multi"),
        body={"id": "<message_id>", "ref": "<ref>", 'say "hi"': "x"},
        headers={"Content-Type": "multipart/form-data"},
    )

    deliver(profile, run_tasks)

    request = received(httpserver)
    assert request.mimetype == "multipart/form-data"
    assert "boundary=" in request.headers["Content-Type"]
    form = request.form.to_dict()
    assert form["id"] == "m-1:1" and form["ref"] == NASTY
    # A quote in a field name is escaped (HTML standard) so it cannot end the name early.
    assert set(form) == {"id", "ref", 'say "hi"'}


def test_empty_multipart_body_sends_every_variable_as_a_field(alice, httpserver, run_tasks):
    httpserver.expect_request("/multi", method="POST").respond_with_data("ok")
    profile = make_profile(alice.account, httpserver.url_for("/multi"), body_format="multipart")

    deliver(profile, run_tasks)

    form = received(httpserver).form.to_dict()
    assert form["message_id"] == "m-1:1" and form["units"] == "2" and form["ref"] == NASTY


def test_xml_profile_delivers_well_formed_xml_even_with_markup_in_a_value(
    alice, httpserver, run_tasks
):
    httpserver.expect_request("/xml", method="POST").respond_with_data("ok")
    template = ('<callback id="<message_id>"><state><status></state>'
                '<reference note="<ref>"><ref></reference></callback>')
    profile = make_profile(alice.account, httpserver.url_for("/xml"), body_format="xml",
                           body=template)

    deliver(profile, run_tasks)

    request = received(httpserver)
    assert request.headers["Content-Type"] == "application/xml; charset=utf-8"
    root = ElementTree.fromstring(request.get_data())
    assert root.tag == "callback" and root.get("id") == "m-1:1"
    assert [child.tag for child in root] == ["state", "reference"]
    assert root.find("state").text == "DELIVRD"
    assert root.find("reference").text == NASTY
    assert root.find("reference").get("note") == NASTY


def test_html_and_text_profiles_fill_the_template(alice, httpserver, run_tasks):
    httpserver.expect_request("/html", method="POST").respond_with_data("ok")
    httpserver.expect_request("/text", method="POST").respond_with_data("ok")
    html_profile = make_profile(alice.account, httpserver.url_for("/html"), body_format="html",
                                body="<p>Status <status>: <ref></p>")
    text_profile = make_profile(alice.account, httpserver.url_for("/text"), body_format="text",
                                body="Message <message_id> is <status> (<units> units)")

    deliver(html_profile, run_tasks)
    deliver(text_profile, run_tasks)

    by_path = {request.path: request for request, _ in httpserver.log}
    assert by_path["/html"].get_data(as_text=True) == (
        "<p>Status DELIVRD: &lt;/a&gt;&lt;b&gt;&amp;&quot;&#x27; &lt;status&gt;</p>"
    )
    assert by_path["/html"].mimetype == "text/html"
    assert by_path["/text"].get_data(as_text=True) == "Message m-1:1 is DELIVRD (2 units)"
    assert by_path["/text"].headers["Content-Type"] == "text/plain; charset=utf-8"


def test_a_formatted_body_is_signed_like_any_callback(alice, httpserver, run_tasks):
    httpserver.expect_request("/text", method="POST").respond_with_data("ok")
    profile = make_profile(alice.account, httpserver.url_for("/text"), body_format="text",
                           body="<status>")

    deliver(profile, run_tasks)

    request = received(httpserver)
    # Standard Webhooks signs the raw bytes: "{id}.{timestamp}.{body}" (HMAC-SHA256).
    secret = base64.b64decode(profile.signing_secret.removeprefix("whsec_"))
    signed = b".".join([request.headers["webhook-id"].encode(),
                        request.headers["webhook-timestamp"].encode(), request.get_data()])
    expected = base64.b64encode(hmac.new(secret, signed, hashlib.sha256).digest()).decode()
    assert f"v1,{expected}" in request.headers["webhook-signature"].split(" ")


def test_encryption_applies_before_xml_escaping():
    from common.value_encryption import decrypt_value, encrypting_transform

    transform = encrypting_transform(algorithm="AES-128-GCM", key="k" * 16, iv="i" * 16,
                                     params=["ref"], nonce_mode="fixed")
    template = CallbackTemplate(http_method="POST", url="https://example.com/",
                                body="<r><ref></r>", body_format="xml", variable_names=["ref"])

    rendered = render(template, {"ref": NASTY}, transform=transform)

    value = ElementTree.fromstring(rendered.body).text
    assert decrypt_value(value, algorithm="AES-128-GCM", key="k" * 16, iv="i" * 16,
                         nonce_mode="fixed") == NASTY


def test_json_stays_the_default_and_a_value_cannot_change_its_structure():
    template = CallbackTemplate(http_method="POST", url="https://example.com/",
                                body={"ref": "<ref>"})
    rendered = render(template, {"ref": NASTY})
    assert rendered.headers["Content-Type"] == "application/json"
    assert json.loads(rendered.body) == {"ref": NASTY}


def test_form_values_cannot_add_fields():
    template = CallbackTemplate(http_method="POST", url="https://example.com/",
                                body={"ref": "<ref>"}, body_format="form")
    rendered = render(template, {"ref": "a&status=hacked"})
    assert rendered.body == b"ref=a%26status%3Dhacked"


@pytest.mark.parametrize(("overrides", "message"), [
    ({"body_format": "xml", "body": "<a><b></a>"}, "body must be well-formed XML"),
    ({"body_format": "xml", "body": '<!DOCTYPE a [<!ENTITY x "y">]><a/>'},
     "must NOT contain a DOCTYPE"),
    ({"body_format": "text", "body": ""}, "body must be a non-empty TEXT template string"),
    ({"body_format": "xml", "body": "<a/>", "http_method": "GET"}, "body_format must be"),
    ({"body_format": "yaml"}, "body_format must be one of"),
    ({"body_format": "form", "headers": {"Content-Type": "application/json"}},
     "must be application/x-www-form-urlencoded"),
])
def test_bad_formats_are_refused_with_a_clear_error(alice, overrides, message):
    from common.errors import InvalidInput

    with pytest.raises(InvalidInput) as caught:
        make_profile(alice.account, "https://example.com/hook", **overrides)
    assert message in str(caught.value)


def test_xml_encryption_profile_is_accepted(alice):
    profile = make_profile(
        alice.account, "https://example.com/hook", body_format="xml", body="<a><status></a>",
        encryption=EncryptionInput(algorithm="AES-128-GCM", key="k" * 16, iv="i" * 16),
    )
    assert profile.body == "<a><status></a>" and profile.body_format == "xml"


def test_an_xml_template_renders_as_it_was_validated_even_for_another_events_variable(
    alice, httpserver, run_tasks
):
    # <keyword> is an incoming-SMS variable of the SMS channel: valid in the template, and on
    # an SMS Send delivery (which has no such value) it is emptied, never left as a tag.
    httpserver.expect_request("/xml", method="POST").respond_with_data("ok")
    profile = make_profile(alice.account, httpserver.url_for("/xml"), body_format="xml",
                           body="<r><s><status></s><k><keyword></k></r>")

    deliver(profile, run_tasks)

    root = ElementTree.fromstring(received(httpserver).get_data())
    assert (root.find("s").text, root.find("k").text) == ("DELIVRD", None)
