"""Reads for accounts and API keys."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from .api_key_cache import cached_account, remember_account
from .models import Account, ApiKey, Membership
from .services import hash_api_key


def account_for_user(user) -> Account | None:
    """The user's account: one query (membership joined to its account), then remembered on
    the user object for the rest of the request (pages ask several times)."""
    if not user.is_authenticated:
        return None
    if not hasattr(user, "_current_account"):
        membership = Membership.objects.select_related("account").filter(user=user).first()
        user._current_account = membership.account if membership else None
    return user._current_account


def api_key_list(*, account: Account) -> QuerySet[ApiKey]:
    return account.api_keys.all()


def get_api_key_for_account(*, account: Account, pk: int) -> ApiKey:
    try:
        return account.api_keys.get(pk=pk)
    except ApiKey.DoesNotExist as exc:
        raise Http404 from exc


def account_for_api_key(*, sid: str, raw_key: str) -> Account | None:
    """The account of `sid` if `raw_key` is one of its live keys (cached: api_key_cache);
    records the key's use when it is read from the database."""
    key_hash = hash_api_key(raw_key)
    account = cached_account(key_hash)
    if account is None:
        api_key = (ApiKey.objects.select_related("account")
                   .filter(key_hash=key_hash, revoked_at__isnull=True).first())
        if api_key is None:
            return None
        now = timezone.now()
        # Throttle the write: one UPDATE a minute per key is plenty for "last used".
        if api_key.last_used_at is None or (now - api_key.last_used_at).total_seconds() > 60:
            ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        account = api_key.account
        remember_account(key_hash, account)
    return account if account.sid == sid else None
