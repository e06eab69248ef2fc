"""DRF fields for the profile API's loosely typed inputs.

The original API sends headers, body, events and enc as JSON-encoded strings; we accept those and
real JSON objects/arrays alike, and always answer with real JSON.
"""

from __future__ import annotations

import json

from django.core.validators import MaxLengthValidator
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

TYPE_NAMES: dict[type, str] = {dict: "object", list: "array", str: "string"}


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
    """A list of strings, also accepted as one string (`"SMS-sent"`) or a JSON string."""

    encoded_description = "One item, comma-separated items, or a JSON-encoded array."

    def __init__(self, **kwargs):
        kwargs.setdefault("shape", {"type": "array", "items": {"type": "string"}})
        super().__init__(kind=list, **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, str) and not data.strip().startswith("["):
            return [item.strip() for item in data.split(",") if item.strip()]
        value = super().to_internal_value(data)
        if value is not None and not all(isinstance(item, str) for item in value):
            raise serializers.ValidationError("must be array of strings")
        return value


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
        return super().to_internal_value(data)


def one_of(values) -> dict:
    """The `schema` of a StrictCharField that takes exactly these values."""
    return {"enum": list(values)}


class StrictCharFieldSchema(OpenApiSerializerFieldExtension):
    target_class = StrictCharField
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        return {"type": "string", **self.target.schema}


def schema_messages(serializer_class):
    """Word DRF's built-in field errors the way the original API does (JSON-schema style)."""
    original_get_fields = serializer_class.get_fields

    def get_fields(self):
        fields = original_get_fields(self)
        for field in fields.values():
            messages = field.error_messages
            kind = "string" if isinstance(field, serializers.CharField) else "valid"
            messages["invalid"] = f"must be {kind}"
            messages["null"] = "must NOT be null"
            messages["blank"] = "must NOT be empty"
            max_length = getattr(field, "max_length", None)
            if max_length:
                # DRF words this message when the field is built, so swap its validator.
                field.validators = [
                    v for v in field.validators if not isinstance(v, MaxLengthValidator)
                ] + [MaxLengthValidator(
                    max_length, message=f"must NOT have more than {max_length} characters"
                )]
        return fields

    serializer_class.get_fields = get_fields
    return serializer_class


@extend_schema_field({"oneOf": [{"type": "object"}, {"type": "string"}], "nullable": True})
class TemplateBodyField(serializers.Field):
    """A profile body: a JSON object, or a string (a template, or JSON for the object formats;
    which one depends on the body format, so `profiles.apis` decides)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, dict | str):
            raise serializers.ValidationError("must be object or string")
        return data

    def to_representation(self, value):
        return value


@extend_schema_field({"type": "integer", "nullable": True})
class StrictIntegerField(serializers.Field):
    """A whole number (or null), refusing strings, floats and booleans instead of coercing
    them; ranges are checked by the shared rules in `profiles.validation`."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            raise serializers.ValidationError("must be integer")
        return data

    def to_representation(self, value):
        return value
