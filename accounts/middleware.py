"""Pages show times in the account's display time zone (Account settings); UTC otherwise."""

from __future__ import annotations

import zoneinfo

from django.utils import timezone

from .selectors import account_for_user


class DisplayTimeZoneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        account = account_for_user(request.user) if hasattr(request, "user") else None
        zone = account.time_zone if account is not None else "UTC"
        try:
            timezone.activate(zoneinfo.ZoneInfo(zone))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
