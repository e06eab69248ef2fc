"""`api-key` header authentication, scoped to the SID in the URL."""

from __future__ import annotations

from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import BasePermission

from accounts.models import Account
from accounts.selectors import account_for_api_key


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
        account = account_for_api_key(sid=sid, raw_key=raw_key) if sid else None
        if account is None:
            raise exceptions.AuthenticationFailed("api-key is not valid for this account")
        return ApiKeyUser(account), account

    def authenticate_header(self, request) -> str:
        return "api-key"


class HasAccountApiKey(BasePermission):
    def has_permission(self, request, view) -> bool:
        return isinstance(request.auth, Account)
