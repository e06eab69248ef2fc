"""`api-key` header authentication, scoped to the SID in the URL."""

from __future__ import annotations

from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import BasePermission

from accounts.login_throttle import api_key_allowed, api_key_failed
from accounts.models import Account
from accounts.selectors import account_for_api_key


class ApiKeyLockedOut(exceptions.Throttled):
    default_detail = "too many wrong api-keys for this account from your address: try later"


class ApiKeyUser:
    """The principal behind an API key: the account itself, not a person."""

    is_authenticated = True
    is_anonymous = False

    def __init__(self, account: Account):
        self.account = account

    def __str__(self) -> str:
        return f"api-key:{self.account.sid}"


class ApiKeyAuthentication(BaseAuthentication):
    def authenticate(self, request):
        raw_key = request.META.get("HTTP_API_KEY", "").strip()
        if not raw_key:
            return None
        sid = (request.parser_context or {}).get("kwargs", {}).get("sid", "")
        # Wrong keys tried against a SID lock that SID out for the caller's address (axes).
        if sid and not api_key_allowed(request._request, sid):
            raise ApiKeyLockedOut()
        account = account_for_api_key(sid=sid, raw_key=raw_key) if sid else None
        if account is None:
            if sid:
                api_key_failed(request._request, sid)
            raise exceptions.AuthenticationFailed("api-key is not valid for this account")
        return ApiKeyUser(account), account

    def authenticate_header(self, request) -> str:
        return "api-key"


class HasAccountApiKey(BasePermission):
    def has_permission(self, request, view) -> bool:
        return isinstance(request.auth, Account)
