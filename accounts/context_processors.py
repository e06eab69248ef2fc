from __future__ import annotations

from .selectors import account_for_user


def current_account(request):
    user = getattr(request, "user", None)
    return {"current_account": account_for_user(user) if user is not None else None}
