"""API key → account, remembered in the Django cache (`CACHE_URL`) for
`API_KEY_CACHE_SECONDS`, so an authenticated request does not look its key up every time.

A key's entry is dropped when the key is saved (revoked) or deleted, its account included,
once that commits. With several web processes and the default per-process cache, another
process may honour a revoked key until its entry expires; a shared cache (Redis) drops it
everywhere at once (README "Deploying").
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from .models import Account, ApiKey


def _cache_key(key_hash: str) -> str:
    return f"api-key:{key_hash}"


def cached_account(key_hash: str) -> Account | None:
    return cache.get(_cache_key(key_hash))


def remember_account(key_hash: str, account: Account) -> None:
    cache.set(_cache_key(key_hash), account, settings.API_KEY_CACHE_SECONDS)


def _forget(sender, instance: ApiKey, **kwargs) -> None:
    key = _cache_key(instance.key_hash)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))  # and whatever a racing request re-read


def connect() -> None:
    post_save.connect(_forget, sender=ApiKey, dispatch_uid="api-key-cache-save")
    post_delete.connect(_forget, sender=ApiKey, dispatch_uid="api-key-cache-delete")
