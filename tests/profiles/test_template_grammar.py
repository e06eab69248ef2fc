"""One rule for which `<x>` of an XML/HTML body is a placeholder: the renderer fills exactly
what the Save check lists and what the XML validation treats as a value, indexed families
(`parts[2]` of `parts[n]`) included; any other tag is markup."""

from __future__ import annotations

from common.errors import Issue
from common.template_grammar import is_known_variable, markup_placeholders
from delivery.render import CallbackTemplate, render
from profiles import catalog
from profiles.placeholders import placeholders_in
from profiles.validation import ProfileInput, validate_profile

BODY = ("<sms><state><status></state><w2><parts[2]></w2><first><parts[n]></first>"
        "<b>markup</b><items[3]/><parts[x]/></sms>")


def test_indexed_members_of_a_declared_family_are_placeholders_and_nothing_else():
    variables = {"status", "parts[n]"}
    assert [n for n in ("status", "parts[2]", "parts[n]", "parts[x]", "items[3]", "b")
            if is_known_variable(n, variables)] == ["status", "parts[2]", "parts[n]"]
    assert markup_placeholders(BODY, variables) == ["status", "parts[2]", "parts[n]"]


def test_the_save_check_and_the_renderer_agree_on_a_default_channel_xml_body():
    listed = placeholders_in(body=BODY, body_format="xml", channel="default")
    assert listed == ["status", "parts[2]", "parts[n]"]

    template = CallbackTemplate(
        http_method="POST", url="https://example.com/cb", body=BODY, body_format="xml",
        markup_placeholders=catalog.channel_variable_names("default"),
    )
    sent = render(template, {"status": "SENT", "parts[2]": "now", "parts[n]": "JOIN"}).body
    assert sent.decode() == ("<sms><state>SENT</state><w2>now</w2><first>JOIN</first>"
                             "<b>markup</b><items[3]/><parts[x]/></sms>")


def test_an_indexed_family_other_than_parts_is_filled_too():
    template = CallbackTemplate(
        http_method="POST", url="https://example.com/cb", body="<r><items[2]><items></r>",
        body_format="xml", markup_placeholders=["items[n]"],
    )
    assert render(template, {"items[2]": "b"}).body == b"<r>b<items></r>"


def test_xml_validation_reads_placeholders_by_the_same_rule():
    def issues(body: str) -> list[Issue]:
        data = ProfileInput(title="Grammar", channel="default", http_method="POST",
                            url="https://example.com/cb", body=body, body_format="xml")
        return [i for i in validate_profile(data) if i.field == "body"]

    # Filled, `<parts[3]>` is text: well-formed. Unknown, `<parts[x]>` stays a (bad) tag.
    assert issues("<r><parts[3]></r>") == []
    assert issues("<r><parts[x]></r>")[0].message.startswith("must be well-formed XML")
