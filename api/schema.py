"""OpenAPI: the `api-key` header, the envelope around every answer, and every error code.

Views describe only their `data`; `envelope_hook` (a drf-spectacular postprocessing hook) wraps
each success response in the envelope and adds the error answers every endpoint can give, so
the published schema says exactly what the server sends (a fuzzer checks it: tests/api).
"""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

from .responses import SUCCESS


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "api-key"}


def page_of(serializer_class, name: str):
    """A list endpoint's `data`: one page of limit/offset pagination."""
    return inline_serializer(name, {
        "count": serializers.IntegerField(),
        "limit": serializers.IntegerField(),
        "offset": serializers.IntegerField(),
        "next": serializers.CharField(allow_null=True),
        "previous": serializers.CharField(allow_null=True),
        "results": serializer_class(many=True),
    })


ERROR_ENVELOPE = {
    "type": "object",
    "required": ["code", "message", "data", "error", "status"],
    "properties": {
        "code": {"type": "string", "example": "RBC302"},
        "message": {"type": "string",
                    "example": "body/title must NOT have fewer than 3 characters"},
        "data": {"type": "object"},
        "error": {
            "type": "array",
            "items": {"type": "object", "additionalProperties": {"type": "string"}},
            "description": "One {place: message} per problem; place is a field path or "
                           "query/<name>, header/<name>.",
        },
        "status": {"type": "integer"},
    },
}
ERRORS = {
    "400": "RBC302: the request is invalid; `message` names the first problem and its place",
    "401": "RBC401: the api-key header is missing or not a key of this SID's account",
    "404": "RBC302/RBC404: no such object in this account (or no such endpoint)",
    "405": "RBC405: method not allowed",
    "406": "RBC406: the Accept header excludes JSON",
    "413": "RBC413: body larger than 256 KiB",
    "415": "RBC415: unsupported Content-Type",
    "429": "RBC429: rate limited, or locked out after too many wrong api-keys",
}
BODY_ERRORS = {"413", "415"}
IDEMPOTENT_ERRORS = {"422": "RBC302: this Idempotency-Key was used for different parameters"}
ERROR_REF = {"$ref": "#/components/schemas/ErrorEnvelope"}


def _success(data_schema: dict, status: int) -> dict:
    return {
        "type": "object",
        "required": ["code", "message", "data", "error", "status"],
        "properties": {
            "code": {"type": "string", "example": "RBC202" if status == 202 else SUCCESS},
            "message": {"type": "string"},
            "data": data_schema,
            "error": {"type": "object", "maxProperties": 0},
            "status": {"type": "integer", "enum": [status]},
        },
    }


def envelope_hook(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["ErrorEnvelope"] = (
        ERROR_ENVELOPE
    )
    for path, operations in result.get("paths", {}).items():
        if not path.startswith("/v1/{sid}/"):
            continue
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for code, response in list(responses.items()):
                if not code.startswith("2"):
                    continue
                content = response.setdefault("content", {})
                json_content = content.get("application/json") or {}
                content.clear()
                content["application/json"] = {
                    "schema": _success(json_content.get("schema", {}), int(code)),
                }
            errors = dict(ERRORS)
            if method not in {"post", "put", "patch"}:
                errors = {k: v for k, v in errors.items() if k not in BODY_ERRORS}
            if any(p.get("name") == "Idempotency-Key" for p in operation.get("parameters", [])):
                errors.update(IDEMPOTENT_ERRORS)
            for code, description in errors.items():
                responses.setdefault(code, {
                    "description": description,
                    "content": {"application/json": {"schema": ERROR_REF}},
                })
    return result
