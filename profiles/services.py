"""Writes for callback profiles. Every entry point (pages, API, admin, commands) calls these."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import Account
from common.errors import InvalidInput, Issue
from common.standard_webhooks import generate_secret

from .models import (
    CallbackProfile,
    ProfileAuth,
    ProfileEncryption,
    ProfileHeader,
    ProfileStatus,
    RetiredSigningSecret,
)
from .validation import PROFILE_COLUMNS, ProfileInput, validate_profile

# How long a replaced signing secret keeps signing after a rotation.
SECRET_ROTATION_GRACE = timedelta(hours=24)
# At most this many retired secrets sign at once (each adds a signature to every callback).
MAX_RETIRED_SECRETS = 10


def new_profile_id() -> str:
    return f"{settings.CALLBACK_PROFILE_ID_PREFIX}_{uuid.uuid4()}"


def _clean(data: ProfileInput) -> ProfileInput:
    for name in PROFILE_COLUMNS:
        setattr(data, name, ProfileInput.or_default(name, getattr(data, name)))
    data.title = (data.title or "").strip()
    data.url = data.url.strip()
    if data.body == {}:
        data.body = None
    data.headers = {
        name.strip(): value.strip() if isinstance(value, str) else value
        for name, value in data.headers.items()
    }
    if data.auth is not None:
        for name in ("token_url", "client_id", "scope"):
            value = getattr(data.auth, name)
            setattr(data.auth, name, value.strip() if isinstance(value, str) else value)
    return data


def _save_children(profile: CallbackProfile, data: ProfileInput) -> None:
    profile.headers.all().delete()
    ProfileHeader.objects.bulk_create(
        ProfileHeader(profile=profile, name=name, value=value, position=index)
        for index, (name, value) in enumerate(data.headers.items())
    )
    for model, group in ((ProfileEncryption, data.encryption), (ProfileAuth, data.auth)):
        _save_optional(model, profile, None if group is None else group.as_columns())
    profile.refresh_from_db()  # drops cached relations: callers see what was just written


def _save_optional(model, profile: CallbackProfile, values: dict | None) -> None:
    """Write (or, with no values, remove) a profile's optional one-to-one settings row."""
    if values is None:
        model.objects.filter(profile=profile).delete()
    else:
        model.objects.update_or_create(profile=profile, defaults=values)


@transaction.atomic
def profile_create(
    *, account: Account, data: ProfileInput, managed: bool = False
) -> CallbackProfile:
    data = _clean(data)
    issues = validate_profile(data)
    if issues:
        raise InvalidInput(issues)
    profile = CallbackProfile.objects.create(
        account=account,
        profile_id=new_profile_id(),
        channel=data.channel,
        signing_secret=generate_secret(),
        managed=managed,
        **{name: getattr(data, name) for name in PROFILE_COLUMNS},
    )
    _save_children(profile, data)
    return profile


def profile_validate_update(*, profile: CallbackProfile, data: ProfileInput) -> ProfileInput:
    """`data` cleaned and checked as an update of `profile` (raises InvalidInput); nothing is
    saved. The preview of unsaved changes uses it too."""
    data = _clean(data)
    issues = validate_profile(data, existing_channel=profile.channel)
    if issues:
        raise InvalidInput(issues)
    return data


@transaction.atomic
def profile_update(*, profile: CallbackProfile, data: ProfileInput) -> CallbackProfile:
    data = profile_validate_update(profile=profile, data=data)
    for name in PROFILE_COLUMNS:
        setattr(profile, name, getattr(data, name))
    profile.save()
    _save_children(profile, data)
    return profile


MANAGED_MESSAGE = (
    "is managed by a Receive Message configuration (Trigger URL with a webhook URL): change "
    "or delete it there"
)


def ensure_not_managed(profile: CallbackProfile) -> None:
    """Pages and the API may look at a managed profile but not edit or delete it."""
    if profile.managed:
        raise InvalidInput([Issue("profile_id", MANAGED_MESSAGE)])


@transaction.atomic
def profile_delete(*, profile: CallbackProfile) -> None:
    profile.delete()


def profile_set_status(
    *, profile: CallbackProfile, status: int, reason: str = ""
) -> CallbackProfile:
    if status == ProfileStatus.ACTIVE and profile.status != ProfileStatus.ACTIVE:
        profile.enabled_at = timezone.now()
    profile.status = status
    profile.disabled_reason = "" if status == ProfileStatus.ACTIVE else reason
    profile.save(update_fields=["status", "disabled_reason", "enabled_at", "modified_at"])
    return profile


@transaction.atomic
def profile_rotate_signing_secret(*, profile: CallbackProfile) -> CallbackProfile:
    """A new current secret; the replaced one keeps signing for SECRET_ROTATION_GRACE.

    Each earlier secret keeps its own expiry, so rotating twice in a day never drops a secret a
    receiver may still rely on. The profile row is locked first, so concurrent rotations queue
    up and each retires exactly the secret it replaced.
    """
    locked = CallbackProfile.objects.select_for_update().get(pk=profile.pk)
    now = timezone.now()
    active = list(locked.retired_secrets.filter(expires_at__gt=now).order_by("expires_at"))
    if len(active) >= MAX_RETIRED_SECRETS:
        wait = active[0].expires_at - now
        minutes = max(1, int(wait.total_seconds() // 60))
        raise InvalidInput([Issue(
            "signing_secret",
            f"was rotated {len(active)} times in 24 hours: the oldest retired secret stops "
            f"signing in {minutes} min, rotate again after that",
        )])
    RetiredSigningSecret.objects.create(
        profile=locked, secret=locked.signing_secret, retired_at=now,
        expires_at=now + SECRET_ROTATION_GRACE,
    )
    locked.retired_secrets.filter(expires_at__lte=now).delete()
    locked.signing_secret = generate_secret()
    locked.save(update_fields=["signing_secret", "modified_at"])
    profile.signing_secret = locked.signing_secret
    profile.modified_at = locked.modified_at
    return profile


def retired_secrets_signing(profile: CallbackProfile) -> list[RetiredSigningSecret]:
    """Retired secrets that still sign, newest first."""
    return list(profile.retired_secrets.filter(expires_at__gt=timezone.now())
                .order_by("-expires_at", "-id"))


def active_signing_secrets(profile: CallbackProfile) -> list[str]:
    """Every secret that signs a callback now: the current one, then the retired ones (each
    once: a profile loaded just before a rotation committed finds its secret retired too)."""
    return list(dict.fromkeys(
        [profile.signing_secret, *(r.secret for r in retired_secrets_signing(profile))]
    ))
