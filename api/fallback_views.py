"""JSON envelopes for 404/500 under /v1/, so API clients never get an HTML error page."""

from __future__ import annotations

from django.core.exceptions import (
    DisallowedHost,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import JsonResponse
from django.views import defaults

from .responses import error_body


def _is_api(request) -> bool:
    return request.path.startswith("/v1/")


def not_found(request, exception=None):
    if _is_api(request):
        return JsonResponse(
            error_body(code="RBC404", message="No such endpoint",
                       errors=[{"path": request.path}], status=404),
            status=404,
        )
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _is_api(request):
        return JsonResponse(
            error_body(code="RBC500", message="internal error", errors=[], status=500), status=500
        )
    return defaults.server_error(request)


def bad_request(request, exception=None):
    if _is_api(request):
        place, message = suspicious_request_problem(exception, request)
        return JsonResponse(
            error_body(code="RBC302", message=message, errors=[{place: message}], status=400),
            status=400,
        )
    return defaults.bad_request(request, exception)


def suspicious_request_problem(exception, request=None) -> tuple[str, str]:
    """Django's refusals (SuspiciousOperation and friends) as (place, message)."""
    if isinstance(exception, DisallowedHost):
        host = (request.META.get("HTTP_HOST", "") if request is not None else "")[:100]
        return "header/Host", f"header/Host {host} is not an allowed host".replace("  ", " ")
    if isinstance(exception, TooManyFieldsSent):
        return "body", "body has too many fields"
    if isinstance(exception, TooManyFilesSent):
        return "body", "body has too many files"
    if isinstance(exception, RequestDataTooBig):
        return "body", "body is too large"
    return "body", "body is not acceptable"
