"""Per-account rate limits for Test and Resend: DRF throttles on the shared Django cache.

The API views list them in `throttle_classes`; the HTML views call `check_throttle` with the
same class, so a page and the API draw from one allowance. Set CACHE_URL (Redis, or a database
cache) when several web processes must share the count.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from django.conf import settings
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle

from accounts.models import Account

from .services.testing import RateLimited


class AccountThrottle(SimpleRateThrottle):
    """At most `<limit_setting>` requests per account per `<window_setting>` seconds."""

    limit_setting = ""
    window_setting = ""
    what = "requests"

    def get_rate(self) -> str:
        limit = int(getattr(settings, self.limit_setting))
        window = int(getattr(settings, self.window_setting))
        return f"{limit}/{window}"

    def parse_rate(self, rate: str | None) -> tuple[int, int]:
        limit, window = (rate or self.get_rate()).split("/")
        return int(limit), max(1, int(window))

    def get_cache_key(self, request, view) -> str | None:
        account = request.auth if isinstance(getattr(request, "auth", None), Account) else None
        account = account or getattr(request, "account", None)
        if account is None:
            return None
        return f"throttle:{self.scope}:{account.sid}"

    def message(self, wait: float | None) -> str:
        seconds = max(1, math.ceil(wait or 0))
        return f"too many {self.what}: try again in {seconds} s"


class CallbackTestThrottle(AccountThrottle):
    scope = "callback_test"
    limit_setting = "CALLBACK_TEST_RATE_LIMIT"
    window_setting = "CALLBACK_TEST_RATE_WINDOW"
    what = "test callbacks"


class DeliveryResendThrottle(AccountThrottle):
    scope = "delivery_resend"
    limit_setting = "DELIVERY_RESEND_RATE_LIMIT"
    window_setting = "DELIVERY_RESEND_RATE_WINDOW"
    what = "resends"


def check_throttle(throttle_class: type[AccountThrottle], request) -> None:
    """For HTML views: count this request against the same allowance as the API, or raise
    RateLimited (an InvalidInput, so forms can show it)."""
    throttle = throttle_class()
    if not throttle.allow_request(request, None):  # type: ignore[arg-type]  # no API view here
        wait = throttle.wait()
        raise RateLimited(retry_after=max(1, math.ceil(wait or 0)),
                          message=throttle.message(wait))


class ThrottledWithMessage:
    """Mixin for API views: the 429 says what was limited and when to retry, in our words."""

    get_throttles: Callable[[], list[BaseThrottle]]  # the API view's

    def throttled(self, request, wait):
        from rest_framework import exceptions

        throttle = next((t for t in self.get_throttles() if isinstance(t, AccountThrottle)), None)
        detail = throttle.message(wait) if throttle else None
        raise exceptions.Throttled(wait=wait, detail=detail)
