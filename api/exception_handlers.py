"""The one place that shapes every API error into the envelope.

Validation errors read like the original API's JSON-schema messages:
`body must have required property 'title'`, `body/title must be string`.
"""

from __future__ import annotations

import logging

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from common.errors import InvalidInput, NotFound

from .responses import error_body

logger = logging.getLogger(__name__)

VALIDATION_CODE = "RBC302"


def _flatten(detail, path: str) -> list[tuple[str, str]]:
    """DRF's nested error detail → [(field path, schema-style message)]."""
    if isinstance(detail, dict):
        out: list[tuple[str, str]] = []
        for key, value in detail.items():
            if key == "non_field_errors":
                out += _flatten(value, path)
            else:
                out += _flatten(value, f"{path}/{key}" if path else str(key))
        return out
    if isinstance(detail, list):
        out = []
        for index, item in enumerate(detail):
            if isinstance(item, (dict, list)):
                out += _flatten(item, f"{path}/{index}")
            else:
                out += _flatten(item, path)
        return out
    code = getattr(detail, "code", "")
    if code == "required":
        parent, _, name = path.rpartition("/")
        field = f"body/{parent}" if parent else "body"
        # As the original API: the error is keyed by the object missing the property.
        return [(parent or "body", f"{field} must have required property '{name}'")]
    return [(path, f"body/{path} {detail}" if path else f"body {detail}")]


def _validation_response(pairs: list[tuple[str, str]], status: int = 400) -> Response:
    errors = [{(field or "body"): message} for field, message in pairs]
    message = pairs[0][1] if pairs else "body is invalid"
    return Response(
        error_body(code=VALIDATION_CODE, message=message, errors=errors, status=status),
        status=status,
    )


def _places(issues) -> list[tuple[str, str]]:
    # An issue with the whole body, query or header is keyed by that place.
    return [(issue.field or issue.location, issue.api_text()) for issue in issues]


def envelope_exception_handler(exc, context):
    from .idempotency import IdempotencyKeyReused  # idempotency imports models

    if isinstance(exc, IdempotencyKeyReused):
        return _validation_response(_places(exc.issues), status=422)
    if isinstance(exc, InvalidInput):
        return _validation_response(_places(exc.issues))
    if isinstance(exc, NotFound):
        return Response(
            error_body(code=VALIDATION_CODE, message=exc.message, errors=[{"id": exc.message}],
                       status=404),
            status=404,
        )
    if isinstance(exc, exceptions.ValidationError):
        return _validation_response(_flatten(exc.detail, ""))
    if isinstance(exc, exceptions.ParseError):
        detail = str(exc.detail)
        # Our parser words its own messages ("body must NOT be nested more than 32 levels").
        message = detail if detail.startswith("body") else f"body is not valid: {detail}"
        return _validation_response([("body", message)])
    if isinstance(exc, RequestDataTooBig):
        return Response(
            error_body(code="RBC413", message="body is too large",
                       errors=[{"body": "body is too large"}], status=413),
            status=413,
        )
    if isinstance(exc, SuspiciousOperation):
        from .fallback_views import suspicious_request_problem

        request = context.get("request")
        return _validation_response([suspicious_request_problem(
            exc, getattr(request, "_request", request))])

    response = drf_exception_handler(exc, context)
    if response is None:
        if isinstance(exc, Http404):  # pragma: no cover - drf handles Http404 itself
            return None
        logger.exception("Unhandled API error", exc_info=exc)
        return Response(
            error_body(code="RBC500", message="internal error", errors=[], status=500), status=500
        )
    detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
    codes = {401: "RBC401", 403: "RBC403", 404: "RBC404", 405: "RBC405", 406: "RBC406",
             415: "RBC415", 429: "RBC429"}
    response.data = error_body(
        code=codes.get(response.status_code, f"RBC{response.status_code}"),
        message=str(detail) or "request failed",
        errors=[{"request": str(detail)}] if detail else [],
        status=response.status_code,
    )
    return response
