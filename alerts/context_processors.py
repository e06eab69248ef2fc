"""The alert banner on every page: the account's open alerts, newest first."""

from __future__ import annotations

from accounts.selectors import account_for_user

from .selectors import BANNER_LIMIT, open_alert_list


def open_alerts(request) -> dict:
    user = getattr(request, "user", None)
    account = account_for_user(user) if user is not None else None
    if account is None:
        return {}
    alerts = list(open_alert_list(account=account)[: BANNER_LIMIT + 1])
    return {"open_alerts": alerts[:BANNER_LIMIT], "more_open_alerts": len(alerts) > BANNER_LIMIT}
