"""Login and API-key lock-out, both through django-axes.

* Web and admin logins: after AXES_FAILURE_LIMIT wrong passwords for one username from one
  address, that pair is locked out for AXES_COOLOFF_TIME, even with the right password.
* API keys: a wrong `api-key` for a SID is recorded by axes as a failed login of the pseudo
  username `api-key@<SID>`, so the same limit and cool-off apply to keys tried against a SID
  from one address; the API answers 429 in the envelope (api/lockout.py answers for both).
"""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest


class LoginLockoutBackend(AxesStandaloneBackend):
    """django-axes for logins over HTTP. A call without a request (the shell, the test client's
    `login()`) is not a web login and has nothing to throttle, so it is left to the next
    backend instead of failing."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


def api_key_credentials(sid: str) -> dict[str, str]:
    return {"username": f"api-key@{sid}"}


def api_key_allowed(request: HttpRequest, sid: str) -> bool:
    return AxesProxyHandler.is_allowed(request, api_key_credentials(sid))


def api_key_failed(request: HttpRequest, sid: str) -> None:
    user_login_failed.send(sender=__name__, credentials=api_key_credentials(sid),
                           request=request)
