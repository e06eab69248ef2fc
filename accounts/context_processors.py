from __future__ import annotations

from django.utils import timezone

from .selectors import account_for_user


def current_account(request):
    user = getattr(request, "user", None)
    return {
        "current_account": account_for_user(user) if user is not None else None,
        # Every page labels its times with the zone they are shown in.
        "display_tz": timezone.get_current_timezone_name(),
    }
