"""Pages show times in the account's display time zone (Account settings); UTC otherwise.
Query strings are percent-encoded once, so a login redirect's `next` names the page asked for."""

from __future__ import annotations

import string
import zoneinfo
from urllib.parse import quote

from django.utils import timezone

from .selectors import account_for_user

# Every printable ASCII character stays as sent (`&`, `=`, `%` escapes included).
QUERY_SAFE = "".join(c for c in string.printable if c not in string.whitespace)


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


class PercentEncodedQueryStringMiddleware:
    """A query string sent with raw non-ASCII bytes (`?q=é` typed into curl) reaches Django as
    Latin-1 text, and `request.get_full_path()` percent-encodes that text character by
    character: the login redirect's `next` then named another address (`?q=%C3%83%C2%A9`).
    Percent-encoding the raw bytes first gives every reader one spelling (`?q=%C3%A9`), which
    decodes to the same parameters."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        if not query.isascii():
            raw = query.encode("latin-1", errors="replace")
            request.META["QUERY_STRING"] = quote(raw, safe=QUERY_SAFE)
        return self.get_response(request)
