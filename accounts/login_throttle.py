"""Login and API-key lock-out, both through django-axes.

* Web and admin logins: after AXES_FAILURE_LIMIT wrong passwords for one username from one
  address, that pair is locked out for AXES_COOLOFF_TIME, even with the right password.
* API keys: a wrong `api-key` for a SID is recorded by axes as a failed login of the pseudo
  username `api-key@<SID>`, so the same limit and cool-off apply to keys tried against a SID
  from one address; the API answers 429 in the envelope (api/lockout.py answers for both).
"""

from __future__ import annotations

from axes.attempts import get_cool_off_threshold
from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_parameters, get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db import connection
from django.http import HttpRequest


class LoginLockoutBackend(AxesStandaloneBackend):
    """django-axes for logins over HTTP. A call without a request (the shell, the test client's
    `login()`) is not a web login and has nothing to throttle, so it is left to the next
    backend instead of failing."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


class LockoutHandler(AxesDatabaseHandler):
    """axes' database handler (AXES_HANDLER) with its failure count written out as one short
    statement per lock-out parameter set: every API request asks it, and the ORM's query
    building was a quarter of a send (bench/pipeline.py). Same rows, same sum as axes'."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        username = get_client_username(request, credentials)
        filters = get_client_parameters(username, request.axes_ip_address,
                                        request.axes_user_agent, request, credentials)
        if settings.AXES_COOLOFF_TIME is not None:
            filters = [{**f, "attempt_time": get_cool_off_threshold(request)} for f in filters]
        quote, meta = connection.ops.quote_name, AccessAttempt._meta
        sums = [0]
        with connection.cursor() as cursor:
            for where in filters:
                conditions, params = [], []
                for name, value in where.items():
                    column = quote(meta.get_field(name).column)
                    if value is None:
                        conditions.append(f"{column} IS NULL")
                        continue
                    conditions.append(f"{column} >= %s" if name == "attempt_time"
                                      else f"{column} = %s")
                    params.append(meta.get_field(name).get_db_prep_value(value, connection))
                cursor.execute(
                    f"SELECT SUM({quote('failures_since_start')}) FROM {quote(meta.db_table)} "
                    f"WHERE {' AND '.join(conditions)}", params)
                sums.append(cursor.fetchone()[0] or 0)
        return max(sums)


def api_key_credentials(sid: str) -> dict[str, str]:
    return {"username": f"api-key@{sid}"}


def api_key_allowed(request: HttpRequest, sid: str) -> bool:
    return AxesProxyHandler.is_allowed(request, api_key_credentials(sid))


def api_key_failed(request: HttpRequest, sid: str) -> None:
    user_login_failed.send(sender=__name__, credentials=api_key_credentials(sid),
                           request=request)
