"""Query-string parameters of list endpoints: every bad or unknown one is a 400 naming
`query/<name>`, never silently ignored (the schema lists exactly what is accepted).

A list that has a page too has one definition of its filters, the page's filter form: the
API's filter serializer is read from it (`filters_of`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, cast
from urllib.parse import unquote_to_bytes

from django import forms
from drf_spectacular.utils import OpenApiParameter, extend_schema_field
from rest_framework import serializers

from common.errors import InvalidInput, Issue

from .fields import InputSerializer
from .pagination import EnvelopeLimitOffsetPagination

PAGING = EnvelopeLimitOffsetPagination
PAGE_PARAMETERS = [
    OpenApiParameter("limit", {"type": "integer", "minimum": 1, "maximum": PAGING.max_limit},
                     description=f"Page size, 1-{PAGING.max_limit} "
                                 f"(default {PAGING.default_limit})."),
    OpenApiParameter("offset", {"type": "integer", "minimum": 0},
                     description="Rows to skip, 0 or more (default 0)."),
]


class WholeNumberField(serializers.IntegerField):
    """Digits only: DRF's IntegerField also takes `0.0` and ` 1 `, which the schema's
    `integer` does not describe (one meaning per input)."""

    def to_internal_value(self, data):
        if not re.fullmatch(r"-?[0-9]{1,18}", str(data)):
            self.fail("invalid")
        return super().to_internal_value(data)


@extend_schema_field({"oneOf": [{"type": "string", "format": "date-time"},
                                {"type": "string", "format": "date"}]})
class DateOrDateTimeField(serializers.DateTimeField):
    """An ISO date-time, or a bare date kept as a date: the selector decides which moment of
    that day it means (a `..._to` date includes the whole day; `common.dates.day_bound`)."""

    def __init__(self, **kwargs):
        super().__init__(input_formats=["iso-8601", "%Y-%m-%d"], **kwargs)

    def to_internal_value(self, value):
        parsed = super().to_internal_value(value)
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d\d-\d\d", value.strip()):
            return parsed.date()
        return parsed


def _query_field(field: forms.Field) -> serializers.Field:
    """The query parameter for one field of a page's filter form (all optional)."""
    if isinstance(field, forms.DateField):
        return DateOrDateTimeField(required=False)  # the API also takes a date-time
    if isinstance(field, forms.ChoiceField):
        coerce = getattr(field, "coerce", lambda value: value)
        choices = cast(Iterable[tuple[Any, str]], field.choices)  # normalised by Django
        values = [coerce(value) for value, _ in choices if value != ""]
        return serializers.ChoiceField(choices=values, required=False, error_messages={
            "invalid_choice": "must be one of: " + ", ".join(str(v) for v in values)})
    if isinstance(field, forms.CharField):
        return serializers.CharField(required=False, allow_blank=True)
    raise TypeError(f"no query parameter for a {type(field).__name__}")


def filters_of(form_class: type[forms.Form]) -> type[serializers.Serializer]:
    """The filter serializer of a list endpoint, read from the page's filter form of the same
    list: the same names, choices and types."""
    fields = {name: _query_field(field) for name, field in form_class.base_fields.items()}
    name = f"{form_class.__name__}Query"
    return serializers.SerializerMetaclass(name, (serializers.Serializer,), fields)


class PageSerializer(InputSerializer):
    limit = WholeNumberField(required=False, min_value=1, max_value=PAGING.max_limit)
    offset = WholeNumberField(required=False, min_value=0)


def _issues(errors: dict) -> list[Issue]:
    return [Issue(name, " ".join(str(m) for m in messages), location="query")
            for name, messages in errors.items()]


def parse_query(request, filters: type[serializers.Serializer] | None = None, *,
                paginated: bool = True, data=None) -> dict:
    """The validated filters of `request`'s query string; raises InvalidInput listing every
    unknown parameter and every bad value, each as `query/<name>`."""
    try:  # Django reads invalid UTF-8 as U+FFFD: refuse it, as in bodies (api/parsers.py)
        unquote_to_bytes(request.META.get("QUERY_STRING", "")).decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidInput([Issue("", "must be UTF-8 (percent-escapes included)",
                                  location="query")]) from None
    params = request.query_params if data is None else data
    known: set[str] = set(filters().fields) if filters else set()
    if paginated:
        known |= {"limit", "offset"}
    issues = [Issue(name, "is not a known parameter", location="query")
              for name in params if name not in known]
    issues += [Issue(name, "must be given once, not repeated", location="query")
               for name in params if name in known and len(params.getlist(name)) > 1]
    fields = filters().fields if filters else {}
    for name in params:
        field = fields.get(name)
        blank_ok = field is not None and getattr(field, "allow_blank", False)
        if name in known and params.get(name) == "" and not blank_ok:
            # An empty value is a mistake, not "no filter": say so instead of ignoring it.
            issues.append(Issue(name, "must NOT be empty", location="query"))
    values: dict = {}
    if filters is not None:
        serializer = filters(data=params)
        if serializer.is_valid():
            values = dict(serializer.validated_data)
        else:
            issues += _issues(serializer.errors)
    if paginated:
        page = PageSerializer(data=params)
        if not page.is_valid():
            issues += _issues(page.errors)
    if issues:
        raise InvalidInput(issues)
    return values
