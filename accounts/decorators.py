"""`account_required`: sets `request.account`, or explains why there is none."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec, cast

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .models import Account
from .selectors import account_for_user

P = ParamSpec("P")


class AccountRequest(HttpRequest):
    """A page request that `account_required` let through: `account` is the signed-in user's."""

    account: Account


def account_required(
    view: Callable[Concatenate[AccountRequest, P], HttpResponse],
) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        account = account_for_user(request.user)
        if account is None:
            return render(request, "accounts/no_account.html", status=403)
        account_request = cast(AccountRequest, request)
        account_request.account = account
        return view(account_request, *args, **kwargs)

    return wrapper
