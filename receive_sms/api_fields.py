"""DRF field helpers of the Receive SMS API, shared by the configuration serializer and the
actions' fragments: errors worded like the profile API (JSON-schema style)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

# Given at construction: DRF builds the max-length validator's message in the field's __init__.
MAX_LENGTH: dict[str, Any] = {"max_length": "must NOT have more than {max_length} characters"}
NOT_OBJECT: dict[str, Any] = {"invalid": "must be object"}


def schema_style(fields: dict) -> dict:
    """Word DRF's field errors like the profile API (JSON-schema style)."""
    for field in fields.values():
        messages = field.error_messages
        if isinstance(field, serializers.BooleanField):
            messages["invalid"] = "must be boolean"
        elif isinstance(field, serializers.DateTimeField):
            messages["invalid"] = "must be an ISO 8601 date-time"
        elif isinstance(field, serializers.IntegerField):
            messages["invalid"] = "must be integer"
        else:
            messages["invalid"] = "must be string"
        messages["null"] = "must NOT be null"
        messages["blank"] = "must NOT be empty"
    return fields


class StringListField(serializers.ListField):
    """A list of strings, also accepted as one comma-separated string."""

    def to_internal_value(self, data):
        if isinstance(data, str):
            data = [part.strip() for part in data.split(",") if part.strip()]
        return super().to_internal_value(data)
