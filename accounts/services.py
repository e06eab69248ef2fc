"""Writes for accounts, users and API keys."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Account, ApiKey, Membership


def generate_sid() -> str:
    """`HX` + region + 13 digits, like HXIN1695108441234."""
    digits = "".join(secrets.choice("0123456789") for _ in range(13))
    return f"HX{settings.CALLBACK_PROFILE_ID_PREFIX.upper()}{digits}"


def hash_api_key(raw_key: str) -> str:
    # Keys carry 128 random bits, so a fast hash is enough (no brute-forceable secret).
    return hashlib.sha256(raw_key.encode()).hexdigest()


@dataclass(frozen=True)
class NewApiKey:
    api_key: ApiKey
    raw_key: str


@transaction.atomic
def api_key_create(*, account: Account, name: str = "", raw_key: str | None = None) -> NewApiKey:
    """A new key; `raw_key` only for a key derived elsewhere (the demo's, see seed_demo)."""
    raw_key = raw_key or "A" + secrets.token_hex(16)
    api_key = ApiKey.objects.create(
        account=account, name=name, prefix=raw_key[:8], key_hash=hash_api_key(raw_key)
    )
    return NewApiKey(api_key=api_key, raw_key=raw_key)


def api_key_revoke(*, api_key: ApiKey) -> None:
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at"])


@dataclass(frozen=True)
class NewAccount:
    account: Account
    user: AbstractUser
    api_key: NewApiKey


@transaction.atomic
def account_create(*, name: str, email: str, password: str) -> NewAccount:
    """Create an account with its first user (username = email) and a first API key."""
    for _ in range(5):
        try:
            with transaction.atomic():
                account = Account.objects.create(sid=generate_sid(), name=name)
            break
        except IntegrityError:  # SID collision: draw again
            continue
    else:  # pragma: no cover - 10**13 space
        raise RuntimeError("Could not allocate a unique SID")
    user = get_user_model().objects.create_user(username=email, email=email, password=password)
    Membership.objects.create(user=user, account=account)
    api_key = api_key_create(account=account, name="Default")
    return NewAccount(account=account, user=user, api_key=api_key)


def account_set_time_zone(*, account: Account, time_zone: str) -> Account:
    account.time_zone = time_zone
    account.save(update_fields=["time_zone"])
    return account
