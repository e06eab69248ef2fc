"""Build the HTTP request for one callback from plain data.

This module knows nothing about Django, the database or the network: it takes a
template (method, URL, JSON body, headers) and the values of the event's dynamic
variables, and returns the exact bytes to send. Keeping it pure makes the
security-relevant part — where customer-controlled values are placed — easy to
test exhaustively.

Rules (README, "How callbacks are delivered" → Rendering; the grammar itself — placeholders,
methods with a body, body formats — is `common/template_grammar.py`):

* A placeholder is ``<name>``; names are letters, digits, underscores and
  brackets (``parts[2]``).
* Placeholders are filled in ONE pass and never re-expanded: a value that itself
  contains ``<status>`` stays literal. ``re.sub`` with a function gives us that
  for free because it never rescans replacement text.
* URL (every method): each placeholder becomes the percent-encoded text of the
  value (``quote(..., safe="")``), so a value can never add a query parameter
  or change the path.
* JSON body (POST/PUT): we walk the template as Python data and ``json.dumps``
  the result. A string that is exactly one placeholder takes the value's own
  type (``7`` stays a number, ``True`` becomes ``true``); placeholders inside a
  longer string (or an object key) are replaced by the value's text. Because the
  body is serialised only at the end, a value with quotes, backslashes or
  ``"}`` is just string content and can never break out of its string.
* Unknown placeholders (no value supplied) are replaced by ``""``. We chose the
  empty string over leaving ``<name>`` in place because a literal placeholder
  leaks template internals to the receiver and is never what a customer wants;
  over raising because a typo in a saved profile must not stop every delivery.
  ``None`` values are treated the same way.
* POST with an empty (``None`` or ``{}``) body sends every variable of the
  event as ``{name: value}``.

Body formats (``CallbackTemplate.body_format``; POST/PUT only):

* ``json`` (default): as above. When the profile's own ``Content-Type`` header names
  ``application/x-www-form-urlencoded`` or ``multipart/form-data`` the body is sent in that
  form instead (JSON only when no such header is given).
* ``form`` / ``multipart``: the body object's keys become form fields; each value is the text
  of its filled template (objects and lists as compact JSON). Encoding is done by the form
  encoder after filling, so a value can never add a field. A multipart body gets a fresh
  boundary that occurs in no value.
* ``xml`` / ``html``: the body is a template string. ``<name>`` is a placeholder only when
  ``name`` is a variable of the event or of ``markup_placeholders`` (``parts[2]`` counting as
  one of ``parts[n]``); every other ``<tag>`` is markup.
  Values are XML/HTML-escaped (``& < > " '``), so ``</a><b>&`` stays text in text nodes and
  attribute values alike.
* ``text``: the template string with the values' text filled in, unescaped.

Encryption (the ``transform``) always runs before escaping or encoding.
"""

from __future__ import annotations

import html
import json
import math
import re
import secrets
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

from common.template_grammar import (
    BODY_FORMATS,
    BODY_METHODS,
    DEFAULT_BODY_FORMAT,
    HTTP_METHODS,
    PLACEHOLDER_RE,
    is_known_variable,
)

__all__ = [
    "CallbackTemplate",
    "RenderedRequest",
    "Transform",
    "effective_body_format",
    "fill_text_template",
    "render",
    "value_as_text",
]

JSON_CONTENT_TYPE = BODY_FORMATS["json"].content_type
FORM_CONTENT_TYPE = BODY_FORMATS["form"].content_type
MULTIPART_CONTENT_TYPE = BODY_FORMATS["multipart"].content_type

Transform = Callable[[str, object], object]


@dataclass(frozen=True)
class CallbackTemplate:
    """What a profile says about the request, independent of any one event."""

    http_method: str
    url: str
    body: Mapping[str, Any] | str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    # The event's catalog of variable names; used for POST with an empty body and to tell
    # placeholders from markup in XML/HTML bodies.
    variable_names: Sequence[str] = ()
    body_format: str = DEFAULT_BODY_FORMAT
    # XML/HTML: further names that are placeholders, not markup (the channel's variables, as
    # the profile validation counts them), so a template renders as it was validated.
    markup_placeholders: Sequence[str] = ()


@dataclass(frozen=True)
class RenderedRequest:
    """A fully rendered request: exactly what goes on the wire (and gets signed)."""

    method: str
    url: str
    headers: dict[str, str]
    body: bytes = b""


def value_as_text(value: object) -> str:
    """The text form of a value placed inside a longer string or a URL.

    ``None`` is empty, booleans are JSON-style ``true``/``false`` (not Python's
    ``True``), lists and objects are compact JSON; everything else is ``str()``.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple | dict):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=str)
    return str(value)


def _typed(value: object) -> object:
    """The value as placed in a typed (single-placeholder) JSON position.

    JSON-native types keep their type; ``None`` becomes ``""`` (see module
    docstring) and anything else (Decimal, datetime...) its text, so the body
    always serialises. Non-finite floats would produce invalid JSON, so they
    become text too.
    """
    if value is None:
        return ""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, str | bool | int | float | list | tuple | dict):
        return value
    return str(value)


class _Values:
    """Looks up (and transforms, at most once per name) the variable values.

    Transforming lazily and caching means unused variables are never encrypted
    and a variable used twice gets the same ciphertext both times, even with a
    random nonce.
    """

    def __init__(self, values: Mapping[str, object], transform: Transform | None) -> None:
        self._values = values
        self._transform = transform
        self._cache: dict[str, object] = {}

    def get(self, name: str) -> object:
        if name not in self._values:
            return None  # unknown placeholder: rendered as "" (module docstring)
        if name not in self._cache:
            value = self._values[name]
            if self._transform is not None:
                value = self._transform(name, value)
            self._cache[name] = value
        return self._cache[name]


def _fill_text(text: str, values: _Values, encode: Callable[[str], str]) -> str:
    return PLACEHOLDER_RE.sub(lambda m: encode(value_as_text(values.get(m.group(1)))), text)


def _fill_json(node: object, values: _Values) -> object:
    if isinstance(node, str):
        whole = PLACEHOLDER_RE.fullmatch(node)
        if whole:
            return _typed(values.get(whole.group(1)))
        return _fill_text(node, values, _identity)
    if isinstance(node, Mapping):
        return _fill_object(node, values)
    if isinstance(node, list | tuple):
        return [_fill_json(item, values) for item in node]
    return node  # numbers, booleans, null: no placeholders possible


def _fill_object(node: Mapping[Any, object], values: _Values) -> dict[str, object]:
    return {_fill_text(str(k), values, _identity): _fill_json(v, values) for k, v in node.items()}


def _identity(text: str) -> str:
    return text


def fill_text_template(text: str, values: Mapping[str, object]) -> str:
    """Plain text with each ``<name>`` replaced by its value's text (one pass; unknown = "").
    Used for SMS texts such as auto replies, where no escaping applies."""
    return _fill_text(text, _Values(values, None), _identity)


def _url_encode(text: str) -> str:
    return quote(text, safe="")


def _iter_all_variables(names: Sequence[str], values: _Values) -> Iterator[tuple[str, object]]:
    for name in names:
        yield name, _typed(values.get(name))



def _header_value(headers: Mapping[str, str], name: str) -> str | None:
    lowered = name.lower()
    for key, value in headers.items():
        if key.lower() == lowered:
            return value
    return None


def effective_body_format(body_format: str, headers: Mapping[str, str]) -> str:
    """The format actually sent: a JSON profile whose Content-Type header names a form
    encoding is sent as that form (JSON only when no such header is given)."""
    if body_format != "json":
        return body_format
    content_type = (_header_value(headers, "Content-Type") or "").strip().lower()
    if content_type.startswith(FORM_CONTENT_TYPE):
        return "form"
    if content_type.startswith(MULTIPART_CONTENT_TYPE):
        return "multipart"
    return "json"


def _form_pairs(payload: Mapping[str, object]) -> list[tuple[str, str]]:
    return [(str(name), value_as_text(value)) for name, value in payload.items()]


def _multipart_name(name: str) -> str:
    # The HTML standard's escaping of a field name inside the quoted Content-Disposition value.
    return name.replace("\r", "%0D").replace("\n", "%0A").replace('"', "%22")


def _encode_multipart(pairs: list[tuple[str, str]]) -> tuple[bytes, str]:
    encoded = [(_multipart_name(n).encode(), v.encode("utf-8")) for n, v in pairs]
    while True:
        boundary = f"cbp-{secrets.token_hex(16)}"
        marker = boundary.encode()
        if not any(marker in name or marker in value for name, value in encoded):
            break
    chunks = []
    for name, value in encoded:
        chunks.append(
            b"--" + marker + b"\r\n"
            + b'Content-Disposition: form-data; name="' + name + b'"\r\n\r\n'
            + value + b"\r\n"
        )
    chunks.append(b"--" + marker + b"--\r\n")
    return b"".join(chunks), boundary


def _fill_markup(text: str, values: _Values, names: set[str]) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if not is_known_variable(name, names):
            return match.group(0)  # markup, e.g. <callback>
        return html.escape(value_as_text(values.get(name)), quote=True)

    return PLACEHOLDER_RE.sub(replace, text)


def _set_content_type(headers: dict[str, str], value: str, *, replace: bool = False) -> None:
    existing = [key for key in headers if key.lower() == "content-type"]
    if existing and not replace:
        return
    for key in existing:
        del headers[key]
    headers[existing[0] if existing else "Content-Type"] = value


def _render_string_body(
    template: CallbackTemplate, body_format: str, lookup: _Values, values: Mapping[str, object]
) -> bytes:
    text = template.body if isinstance(template.body, str) else ""
    if not BODY_FORMATS[body_format].markup:  # every <name> is a placeholder
        return _fill_text(text, lookup, _identity).encode("utf-8")
    names = {*template.variable_names, *template.markup_placeholders, *values}
    return _fill_markup(text, lookup, names).encode("utf-8")


def render(
    template: CallbackTemplate,
    values: Mapping[str, object],
    *,
    transform: Transform | None = None,
) -> RenderedRequest:
    """Render ``template`` with ``values``.

    ``transform(name, value)`` is applied to each value before it is placed
    (at most once per variable); the delivery code uses it to encrypt the
    variables named in the profile's encryption params.
    """
    method = template.http_method.upper()
    if method not in HTTP_METHODS:
        raise ValueError(f"unsupported HTTP method {template.http_method!r}")

    lookup = _Values(values, transform)
    url = _fill_text(template.url, lookup, _url_encode)
    headers = dict(template.headers)

    if method not in BODY_METHODS:
        return RenderedRequest(method=method, url=url, headers=headers, body=b"")

    body_format = effective_body_format(template.body_format, headers)
    if body_format not in BODY_FORMATS:
        raise ValueError(f"unsupported body format {template.body_format!r}")
    if BODY_FORMATS[body_format].is_string:
        body = _render_string_body(template, body_format, lookup, values)
        _set_content_type(headers, BODY_FORMATS[body_format].content_type)
        return RenderedRequest(method=method, url=url, headers=headers, body=body)

    if isinstance(template.body, Mapping) and template.body:
        payload = _fill_object(template.body, lookup)
    elif method == "POST":
        payload = dict(_iter_all_variables(template.variable_names, lookup))
    else:
        # PUT with no body template: an empty JSON object, consistent with the
        # JSON content type we default to.
        payload = {}

    if body_format == "form":
        body = urlencode(_form_pairs(payload)).encode("ascii")
        _set_content_type(headers, FORM_CONTENT_TYPE)
    elif body_format == "multipart":
        body, boundary = _encode_multipart(_form_pairs(payload))
        # The boundary must be in the header, whatever the profile's header said.
        _set_content_type(headers, f"{MULTIPART_CONTENT_TYPE}; boundary={boundary}", replace=True)
    else:
        body = json.dumps(
            payload, separators=(",", ":"), ensure_ascii=False, allow_nan=False, default=str
        ).encode("utf-8")
        _set_content_type(headers, JSON_CONTENT_TYPE)
    return RenderedRequest(method=method, url=url, headers=headers, body=body)
