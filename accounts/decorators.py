"""`account_required`: sets `request.account`, or explains why there is none."""

from __future__ import annotations

from functools import wraps

from django.shortcuts import render

from .selectors import account_for_user


def account_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        account = account_for_user(request.user)
        if account is None:
            return render(request, "accounts/no_account.html", status=403)
        request.account = account
        return view(request, *args, **kwargs)

    return wrapper
