"""The one way an endpoint reads its JSON body: an object, validated by a serializer."""

from __future__ import annotations

from rest_framework import serializers
from rest_framework.request import Request


def validated_body(serializer_class: type[serializers.Serializer], request: Request,
                   **kwargs) -> dict:
    """The body's validated fields; anything but an object is refused like a bad field."""
    if not isinstance(request.data, dict) and not hasattr(request.data, "getlist"):
        raise serializers.ValidationError({"non_field_errors": ["must be object"]})
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)
