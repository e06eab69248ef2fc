"""DRF fields and the one wording of field errors that every request body of the API shares.

Errors read like the original API's JSON-schema messages (README "REST API"): `must be string`,
`must NOT be null`, `must NOT have more than 100 characters`, `must be >= 1`. A request body's
serializer is an `InputSerializer` (so are the query's paging parameters); a field added
outside one (an action's API fragment) goes through `schema_worded`.

The original API sends some values (headers, events, enc…) as JSON-encoded strings; the JSON
fields accept those and real JSON values alike, and always answer with real JSON.
"""

from __future__ import annotations

import copy
import json
from typing import Any, ClassVar

from django.core.validators import (
    BaseValidator,
    MaxLengthValidator,
    MaxValueValidator,
    MinLengthValidator,
    MinValueValidator,
)
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers

TYPE_NAMES: dict[type, str] = {dict: "object", list: "array", str: "string"}

# What a value of the wrong type is told, by field class (most specific first).
INVALID_TYPE: tuple[tuple[type[serializers.Field], str], ...] = (
    (serializers.BooleanField, "must be boolean"),
    (serializers.DateTimeField, "must be an ISO 8601 date-time"),
    (serializers.IntegerField, "must be integer"),
    (serializers.CharField, "must be string"),
    (serializers.Serializer, "must be object"),
)
# The validators DRF builds for a field's bounds (DRF words them; `_worded_bounds` rebuilds them).
BOUNDS = (MaxLengthValidator, MinLengthValidator, MaxValueValidator, MinValueValidator)


def _worded_bounds(field: serializers.Field) -> list[BaseValidator] | None:
    """A string's length or an integer's range bounds, worded JSON-schema style; None for
    other fields (DRF words these validators when the field is built, so they are rebuilt)."""
    if isinstance(field, serializers.CharField):
        bounds: list[BaseValidator] = []
        if field.max_length is not None:
            bounds.append(MaxLengthValidator(
                field.max_length, f"must NOT have more than {field.max_length} characters"))
        if field.min_length is not None:
            fewer = (f"must NOT have fewer than {field.min_length} characters"
                     if field.min_length > 1 else "must NOT be empty")
            bounds.append(MinLengthValidator(field.min_length, fewer))
        return bounds
    if isinstance(field, serializers.IntegerField):
        bounds = []
        if field.max_value is not None:
            bounds.append(MaxValueValidator(field.max_value, f"must be <= {field.max_value}"))
        if field.min_value is not None:
            bounds.append(MinValueValidator(field.min_value, f"must be >= {field.min_value}"))
        return bounds
    return None


def schema_worded(field: serializers.Field) -> serializers.Field:
    """`field` (and its list items) with DRF's built-in errors worded JSON-schema style."""
    messages = field.error_messages
    for kind, message in INVALID_TYPE:
        if isinstance(field, kind):
            messages["invalid"] = message
            break
    messages["null"] = "must NOT be null"
    messages["blank"] = "must NOT be empty"
    bounds = _worded_bounds(field)
    if bounds is not None:
        others: list[Any] = [v for v in field.validators if not isinstance(v, BOUNDS)]
        field.validators = others + bounds
    child = getattr(field, "child", None)
    if isinstance(child, serializers.Field):
        schema_worded(child)
    return field


# A request body: its fields' errors worded JSON-schema style. (A comment, not a docstring:
# drf-spectacular would publish a docstring as the description of every body's schema.)
# The declared fields are built and worded once per class; each request gets copies of them.
# DRF deep-copies them instead, which runs every field's __init__ again: a tenth of a send's
# time (README "Scaling out and measuring").
class InputSerializer(serializers.Serializer):
    _worded_fields: ClassVar[dict[str, serializers.Field]]

    def get_fields(self):
        worded = type(self).__dict__.get("_worded_fields")
        if worded is None:
            worded = {name: schema_worded(field) for name, field in super().get_fields().items()}
            type(self)._worded_fields = worded
        return {name: _copy_of(field) for name, field in worded.items()}


def _copy_of(field: serializers.Field) -> serializers.Field:
    """A field of its own for one serializer: a plain field shares its settings (validators,
    messages, choices: read-only once built) and gets its own binding; a field holding other
    fields (a list's child, a nested serializer) is built again, as DRF does, and worded."""
    if isinstance(field, serializers.BaseSerializer) or hasattr(field, "child"):
        return schema_worded(copy.deepcopy(field))
    return copy.copy(field)


class StrictCharField(serializers.CharField):
    """A string field that refuses numbers and booleans instead of coercing them.

    `schema` adds to its published schema the rules the service checks it with (`enum`,
    `minLength`, `pattern`), taken from those rules' own definitions so the two cannot drift.
    """

    def __init__(self, *, schema: dict | None = None, **kwargs):
        self.schema = schema or {}
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        # The published maxLength counts the string as sent, before DRF trims its whitespace.
        for validator in self.validators:
            if isinstance(validator, MaxLengthValidator):
                validator(data)
        return super().to_internal_value(data)


def one_of(values) -> dict:
    """The `schema` of a StrictCharField that takes exactly these values."""
    return {"enum": list(values)}


class StrictCharFieldSchema(OpenApiSerializerFieldExtension):
    target_class = StrictCharField
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        return {"type": "string", **self.target.schema}


class JsonValueField(serializers.Field):
    """A JSON object or array, given as JSON or as a string holding JSON.

    `shape` describes the JSON value in the schema: a JSON schema, or the serializer that
    validates it (its component is referenced).
    """

    encoded_description = "The same value as a JSON-encoded string."

    def __init__(self, *, kind: type, shape: dict | type[serializers.Serializer], **kwargs):
        self.kind = kind
        self.shape = shape
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, str):
            if not data.strip():
                return None
            try:
                data = json.loads(data)
            except (ValueError, RecursionError):
                raise serializers.ValidationError(
                    f"must be {TYPE_NAMES[self.kind]} (valid JSON)"
                ) from None
        if not isinstance(data, self.kind):
            raise serializers.ValidationError(f"must be {TYPE_NAMES[self.kind]}")
        return data

    def to_representation(self, value):
        return value


class StringListField(JsonValueField):
    """A list of strings, also accepted as one string: comma-separated items (`"SMS-sent"`,
    `"+9198…, +9198…"`) or a JSON-encoded array.

    Without `child` every item must already be a string; with one, each item is checked (and
    converted) by it, its errors placed at the item's index, as in DRF's ListField.
    """

    encoded_description = "One item, comma-separated items, or a JSON-encoded array."

    def __init__(self, *, child: serializers.Field | None = None, **kwargs):
        self.child = child
        items: dict[str, Any] = {"type": "string"}
        if isinstance(child, serializers.CharField) and child.max_length is not None:
            items["maxLength"] = child.max_length
        kwargs.setdefault("shape", {"type": "array", "items": items})
        super().__init__(kind=list, **kwargs)
        if child is not None:
            child.bind(field_name="", parent=self)  # type: ignore[arg-type]  # as ListField does

    def to_internal_value(self, data):
        if isinstance(data, str) and not data.strip().startswith("["):
            data = [item.strip() for item in data.split(",") if item.strip()]
        value = super().to_internal_value(data)
        if value is None:
            return None
        if self.child is None:
            if not all(isinstance(item, str) for item in value):
                raise serializers.ValidationError("must be array of strings")
            return value
        result: list = []
        errors: dict[str, Any] = {}
        for index, item in enumerate(value):
            try:
                result.append(self.child.run_validation(item))
            except serializers.ValidationError as exc:
                errors[str(index)] = exc.detail
        if errors:
            raise serializers.ValidationError(errors)
        return result


class JsonValueFieldSchema(OpenApiSerializerFieldExtension):
    """The JSON value, or the same as a JSON-encoded string (as the original API sends it)."""

    target_class = JsonValueField
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        shape = self.target.shape
        if not isinstance(shape, dict):
            shape = auto_schema.resolve_serializer(shape, direction).ref
        encoded = {"type": "string", "description": self.target.encoded_description}
        return {"oneOf": [shape, encoded]}
