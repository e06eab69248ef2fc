"""django-axes' lock-out answer (AXES_LOCKOUT_CALLABLE) for the logins and API keys that
accounts/login_throttle.py counts: the envelope under /v1/, a page everywhere else."""

from __future__ import annotations

from axes.helpers import get_cool_off
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from .responses import error_body


def _cool_off_text(request: HttpRequest) -> str:
    cool_off = get_cool_off(request)
    if not cool_off:
        return "until an administrator unlocks it"
    minutes = max(1, round(cool_off.total_seconds() / 60))
    return f"for {minutes} min"


def lockout_response(request: HttpRequest, original_response=None, credentials=None
                     ) -> HttpResponse:
    """Axes' lock-out answer: the envelope under /v1/, a page everywhere else."""
    wait = _cool_off_text(request)
    if request.path.startswith("/v1/"):
        message = f"too many wrong api-keys for this account from your address: locked {wait}"
        return JsonResponse(
            error_body(code="RBC429", message=message, errors=[{"header/api-key": message}],
                       status=429),
            status=429,
        )
    return render(request, "registration/locked_out.html", {"wait": wait}, status=429)
