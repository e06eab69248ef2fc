"""DRF fields only the profile API has (the shared ones are `api.fields`)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


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
