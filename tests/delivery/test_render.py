"""Rendering callbacks: URL encoding, JSON safety, typing, one-pass filling."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest

from common.template_grammar import placeholder_names
from delivery.render import CallbackTemplate, render

NASTY_STRINGS = [
    'say "hi"',
    '"}, "status": "hacked',
    "back\\slash\\",
    "line\nbreak\r\n",
    "\\u0022 escaped quote",
    "</script><status>",
    "tab\tand\x00nul",
]


def _json(template: CallbackTemplate, values: dict[str, object], **kwargs: object) -> object:
    return json.loads(render(template, values, **kwargs).body)


@pytest.mark.parametrize(
    "value",
    ["a&b=c", "hello world", "naïve ✓ नमस्ते", "50%+1", "x/y?z#frag", "<status>"],
)
def test_get_query_values_are_url_encoded(value: str) -> None:
    template = CallbackTemplate(
        http_method="GET", url="https://example.com/cb?status=<status>&ref=<ref>"
    )

    rendered = render(template, {"status": value, "ref": "R1"})

    assert rendered.method == "GET"
    assert rendered.body == b""
    assert parse_qs(urlsplit(rendered.url).query) == {"status": [value], "ref": ["R1"]}
    # The value could not add parameters or a fragment.
    assert urlsplit(rendered.url).fragment == ""


def test_get_encodes_everything_outside_unreserved_characters() -> None:
    template = CallbackTemplate(http_method="GET", url="https://example.com/?q=<q>")
    assert (
        render(template, {"q": "a b&c=d/é"}).url == "https://example.com/?q=a%20b%26c%3Dd%2F%C3%A9"
    )


@pytest.mark.parametrize("method", ["GET", "DELETE"])
def test_get_and_delete_send_no_body_even_if_template_has_one(method: str) -> None:
    template = CallbackTemplate(
        http_method=method, url="https://example.com/<id>", body={"id": "<id>"}
    )

    rendered = render(template, {"id": 7})

    assert rendered.url == "https://example.com/7"
    assert rendered.body == b""
    assert "Content-Type" not in rendered.headers


@pytest.mark.parametrize("value", NASTY_STRINGS)
@pytest.mark.parametrize("method", ["POST", "PUT"])
def test_json_values_cannot_break_out_of_their_string(method: str, value: str) -> None:
    template = CallbackTemplate(
        http_method=method,
        url="https://example.com/",
        body={"text": "Status: <status>!", "exact": "<status>", "status": "fixed"},
    )

    body = _json(template, {"status": value})

    assert body == {"text": f"Status: {value}!", "exact": value, "status": "fixed"}


def test_nested_objects_lists_and_keys_are_filled() -> None:
    template = CallbackTemplate(
        http_method="POST",
        url="https://example.com/",
        body={
            "meta": {"ids": ["<id>", "id-<id>", 3, None, True]},
            "key_<ref>": "<recipient>",
        },
    )

    body = _json(template, {"id": 42, "ref": 'r"1', "recipient": "919999999999"})

    assert body == {
        "meta": {"ids": [42, "id-42", 3, None, True]},
        'key_r"1': "919999999999",
    }


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (7, 7),
        (0.0025, 0.0025),
        ("7", "7"),
        (True, True),
        (False, False),
        (None, ""),
        ([1, "a"], [1, "a"]),
        ({"k": 1}, {"k": 1}),
    ],
)
def test_single_placeholder_keeps_the_value_type(value: object, expected: object) -> None:
    template = CallbackTemplate(http_method="POST", url="https://e.com/", body={"v": "<v>"})
    assert _json(template, {"v": value}) == {"v": expected}


@pytest.mark.parametrize(
    ("value", "expected"),
    [(7, "n=7"), (True, "n=true"), (None, "n="), (1.5, "n=1.5"), ([1, 2], "n=[1,2]")],
)
def test_placeholder_inside_longer_string_becomes_text(value: object, expected: str) -> None:
    template = CallbackTemplate(http_method="POST", url="https://e.com/", body={"v": "n=<v>"})
    assert _json(template, {"v": value}) == {"v": expected}


def test_values_are_never_re_expanded() -> None:
    template = CallbackTemplate(
        http_method="POST",
        url="https://e.com/?a=<a>",
        body={"a": "<a>", "text": "<a> and <b>"},
    )

    rendered = render(template, {"a": "<b>", "b": "SECRET"})

    assert json.loads(rendered.body) == {"a": "<b>", "text": "<b> and SECRET"}
    assert rendered.url == "https://e.com/?a=%3Cb%3E"


def test_unknown_placeholders_become_empty_strings() -> None:
    template = CallbackTemplate(
        http_method="POST",
        url="https://e.com/?x=<nope>",
        body={"exact": "<nope>", "text": "[<nope>]"},
    )

    rendered = render(template, {})

    assert json.loads(rendered.body) == {"exact": "", "text": "[]"}
    assert rendered.url == "https://e.com/?x="


def test_bracketed_names_like_parts_n() -> None:
    template = CallbackTemplate(http_method="GET", url="https://e.com/?kw=<keyword>&w2=<parts[2]>")
    assert placeholder_names(template.url) == ["keyword", "parts[2]"]
    assert render(template, {"keyword": "JOIN", "parts[2]": "now"}).url == (
        "https://e.com/?kw=JOIN&w2=now"
    )


@pytest.mark.parametrize("body", [None, {}])
def test_empty_post_body_sends_every_variable(body: dict[str, object] | None) -> None:
    template = CallbackTemplate(
        http_method="POST",
        url="https://e.com/",
        body=body,
        variable_names=["id", "status", "price", "ref"],
    )

    result = _json(template, {"id": "abc", "status": "DELIVRD", "price": 0.1, "extra": 1})

    assert result == {"id": "abc", "status": "DELIVRD", "price": 0.1, "ref": ""}


def test_empty_put_body_sends_an_empty_object() -> None:
    template = CallbackTemplate(http_method="PUT", url="https://e.com/", variable_names=["id"])
    assert _json(template, {"id": 1}) == {}


@pytest.mark.parametrize("method", ["POST", "PUT"])
def test_json_methods_default_to_json_content_type(method: str) -> None:
    template = CallbackTemplate(
        http_method=method, url="https://e.com/", headers={"X-Api-Key": "k1"}
    )

    rendered = render(template, {})

    assert rendered.headers == {"X-Api-Key": "k1", "Content-Type": "application/json"}


def test_given_content_type_is_kept_whatever_its_case() -> None:
    template = CallbackTemplate(
        http_method="POST",
        url="https://e.com/",
        body={"a": 1},
        headers={"content-type": "application/vnd.acme+json"},
    )

    rendered = render(template, {})

    assert rendered.headers == {"content-type": "application/vnd.acme+json"}


def test_headers_are_added_as_given_and_not_filled() -> None:
    template = CallbackTemplate(
        http_method="GET",
        url="https://e.com/",
        headers={"Authorization": "Basic dXNlcjpwYXNz", "X-Tag": "<status>"},
    )

    rendered = render(template, {"status": "DELIVRD"})

    assert rendered.headers == {"Authorization": "Basic dXNlcjpwYXNz", "X-Tag": "<status>"}


def test_post_url_placeholders_are_url_encoded() -> None:
    template = CallbackTemplate(
        http_method="POST", url="https://e.com/hook/<id>?s=<s>", body={"id": "<id>"}
    )

    rendered = render(template, {"id": "a/b", "s": "x y"})

    assert rendered.url == "https://e.com/hook/a%2Fb?s=x%20y"
    assert json.loads(rendered.body) == {"id": "a/b"}


def test_transform_is_applied_once_per_variable_before_placing() -> None:
    calls: list[str] = []

    def shout(name: str, value: object) -> object:
        calls.append(name)
        return str(value).upper() if name == "status" else value

    template = CallbackTemplate(
        http_method="POST",
        url="https://e.com/?s=<status>",
        body={"a": "<status>", "b": "<status>!", "n": "<id>"},
    )

    rendered = render(template, {"status": "sent", "id": 5, "unused": "x"}, transform=shout)

    assert json.loads(rendered.body) == {"a": "SENT", "b": "SENT!", "n": 5}
    assert rendered.url == "https://e.com/?s=SENT"
    assert sorted(calls) == ["id", "status"]


def test_body_is_utf8_json() -> None:
    template = CallbackTemplate(http_method="POST", url="https://e.com/", body={"m": "<m>"})
    rendered = render(template, {"m": "नमस्ते"})
    assert rendered.body.decode("utf-8") == '{"m":"नमस्ते"}'


def test_unsupported_method_is_rejected() -> None:
    with pytest.raises(ValueError, match="PATCH"):
        render(CallbackTemplate(http_method="PATCH", url="https://e.com/"), {})


def test_method_is_normalised_to_upper_case() -> None:
    assert render(CallbackTemplate(http_method="get", url="https://e.com/"), {}).method == "GET"
