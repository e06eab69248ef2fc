"""JSON envelopes for 404/500 under /v1/, so API clients never get an HTML error page."""

from __future__ import annotations

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
        return JsonResponse(
            error_body(code="RBC302", message="body is not acceptable",
                       errors=[{"body": "body is not acceptable"}], status=400),
            status=400,
        )
    return defaults.bad_request(request, exception)
