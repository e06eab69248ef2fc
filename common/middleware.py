"""Pages show every time in UTC (and say so), whatever TIME_ZONE is set to."""

from __future__ import annotations

from datetime import UTC

from django.utils import timezone


class UTCTimesMiddleware:
    """Render and parse times in UTC for the whole request: templates label times "UTC" and
    forms read date-times as UTC, so TIME_ZONE only sets the server's default elsewhere."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with timezone.override(UTC):
            return self.get_response(request)
