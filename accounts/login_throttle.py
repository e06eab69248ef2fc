"""Login and API-key lock-out, both through django-axes.

* Web and admin logins: after AXES_FAILURE_LIMIT wrong passwords for one username from one
  address, that pair is locked out for AXES_COOLOFF_TIME, even with the right password.
* API keys: a wrong `api-key` for a SID is recorded by axes as a failed login of the pseudo
  username `api-key@<SID>`, so the same limit and cool-off apply to keys tried against a SID
  from one address; the API answers 429 in the envelope.
"""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render


class LoginLockoutBackend(AxesStandaloneBackend):
    """django-axes for logins over HTTP. A call without a request (the shell, the test client's
    `login()`) is not a web login and has nothing to throttle, so it is left to the next
    backend instead of failing."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


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
        from api.responses import error_body

        message = f"too many wrong api-keys for this account from your address: locked {wait}"
        return JsonResponse(
            error_body(code="RBC429", message=message, errors=[{"header/api-key": message}],
                       status=429),
            status=429,
        )
    return render(request, "registration/locked_out.html", {"wait": wait}, status=429)


def api_key_credentials(sid: str) -> dict[str, str]:
    return {"username": f"api-key@{sid}"}


def api_key_allowed(request: HttpRequest, sid: str) -> bool:
    return AxesProxyHandler.is_allowed(request, api_key_credentials(sid))


def api_key_failed(request: HttpRequest, sid: str) -> None:
    user_login_failed.send(sender=__name__, credentials=api_key_credentials(sid),
                           request=request)
