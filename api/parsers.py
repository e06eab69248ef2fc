"""The API's parsers: the door where hostile input is stopped with a clear 400.

Every body means one thing: it must be UTF-8 (JSON and form bodies alike), and a field given
twice (a repeated form field, a repeated JSON property) is refused naming it, instead of one
value silently winning. Deep JSON nesting is refused before anything downstream (validation,
rendering, settlement) can hit Python's recursion limit, and NUL characters are refused because
PostgreSQL cannot store them in text columns (SQLite can), so both databases answer the same.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qsl

from django.conf import settings
from django.core.exceptions import TooManyFieldsSent
from django.http import QueryDict
from rest_framework.exceptions import ParseError
from rest_framework.parsers import FormParser, JSONParser

from common.errors import InvalidInput, Issue
from common.json_values import find_nul


def max_json_depth() -> int:
    return settings.API_MAX_JSON_DEPTH


def _scan_depth(text: str, limit: int) -> None:
    """Bracket depth outside strings, counted before `json.loads` so 100,000 `[` cost O(n)."""
    depth, in_string, escaped = 0, False, False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > limit:
                raise ParseError(f"body must NOT be nested more than {limit} levels deep")
        elif ch in "]}":
            depth -= 1


class SafeJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        raw = stream.read() if stream is not None else b""
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ParseError("body must be UTF-8 JSON") from exc
        _scan_depth(text, max_json_depth())
        try:
            data = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float,
                              object_pairs_hook=_unique_properties)
        except (ValueError, RecursionError) as exc:
            raise ParseError(f"body is not valid JSON: {exc}") from exc
        where = find_nul(data)
        if where is not None:
            place = f"body/{where}" if where else "body"
            raise ParseError(f"{place} must NOT contain NUL (\\u0000) characters")
        return data


def _finite_float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"the number {text[:20]} is too large")
    return value


def _refuse_constant(name: str) -> None:
    # NaN and Infinity are not JSON (RFC 8259); Python accepts them by default.
    raise ValueError(f"{name} is not valid JSON")


def _unique_properties(pairs: list[tuple[str, object]]) -> dict:
    seen: set[str] = set()
    for name, _ in pairs:
        if name in seen:
            raise ValueError(f"the property {name[:100]!r} is given more than once")
        seen.add(name)
    return dict(pairs)


class SingleValueFormParser(FormParser):
    """application/x-www-form-urlencoded, UTF-8 only, every field given once."""

    def parse(self, stream, media_type=None, parser_context=None):
        raw = stream.read() if stream is not None else b""
        try:
            pairs = parse_qsl(raw.decode("utf-8"), keep_blank_values=True, encoding="utf-8",
                              errors="strict",
                              max_num_fields=settings.DATA_UPLOAD_MAX_NUMBER_FIELDS)
        except UnicodeDecodeError as exc:
            raise ParseError("body must be UTF-8 (percent-escapes included)") from exc
        except ValueError as exc:  # more fields than DATA_UPLOAD_MAX_NUMBER_FIELDS
            raise TooManyFieldsSent("too many fields") from exc
        data = QueryDict(mutable=True)
        for name, value in pairs:
            if "\x00" in name + value:
                raise ParseError("body must NOT contain NUL (%00) characters")
            if name in data:
                raise InvalidInput([Issue(name[:100], "must be given once, not repeated")])
            data[name] = value
        data._mutable = False
        return data
