"""The API's JSON parser: the door where hostile JSON is stopped with a clear 400.

Deep nesting is refused before anything downstream (validation, rendering, settlement) can hit
Python's recursion limit, and NUL characters are refused because PostgreSQL cannot store them in
text columns (SQLite can), so both databases answer the same.
"""

from __future__ import annotations

import json

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

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
            data = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)
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
