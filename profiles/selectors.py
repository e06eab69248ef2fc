"""Reads for callback profiles, always scoped to one account."""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import QuerySet

from accounts.models import Account
from common.dates import day_bound
from common.errors import NotFound

from .models import CallbackProfile, EndpointState

PROFILE_NOT_FOUND = "No profile exists with this id"


def profile_list(
    *,
    account: Account,
    title: str = "",
    http_method: str = "",
    status: int | None = None,
    created_from: date | datetime | None = None,
    created_to: date | datetime | None = None,
) -> QuerySet[CallbackProfile]:
    # Managed profiles (a configuration's webhook URL) are listed with their configuration.
    qs = (
        CallbackProfile.objects.filter(account=account, managed=False)
        # endpoint_state: the circuit shown with each profile, without a query per row.
        .select_related("encryption", "auth", "endpoint_state")
        .prefetch_related("headers")
    )
    if title:
        qs = qs.filter(title__icontains=title.strip())
    if http_method:
        qs = qs.filter(http_method=http_method.upper())
    if status:
        qs = qs.filter(status=status)
    if created_from:
        qs = qs.filter(created_at__gte=day_bound(created_from, end=False))
    if created_to:
        qs = qs.filter(created_at__lte=day_bound(created_to, end=True))
    return qs


def get_profile_for_account(*, account: Account, profile_id: str) -> CallbackProfile:
    profile = (
        CallbackProfile.objects.filter(account=account, profile_id=profile_id)
        .select_related("encryption", "auth", "account", "endpoint_state")
        .prefetch_related("headers")
        .first()
    )
    if profile is None:
        raise NotFound(PROFILE_NOT_FOUND)
    return profile


def profile_channel_of(*, account_id: int, profile_id: str) -> CallbackProfile | None:
    """The account's profile `profile_id` with only its id, public id and channel loaded (any
    other field is read on first use), or None: the lookup of every send naming a profile.
    Written out: the ORM's query building and the decryption of the signing secret cost
    more than the rest of a send (bench/pipeline.py)."""
    table = CallbackProfile._meta.db_table
    found = list(CallbackProfile.objects.raw(
        f"SELECT id, account_id, profile_id, channel FROM {table} "
        "WHERE account_id = %s AND profile_id = %s", [account_id, profile_id]))
    return found[0] if found else None


def endpoint_state_of(profile: CallbackProfile) -> EndpointState:
    """The profile's endpoint state (joined by the profile selectors), or an unsaved closed one
    when its endpoint has not failed yet."""
    try:
        return profile.endpoint_state
    except EndpointState.DoesNotExist:
        return EndpointState(profile_id=profile.pk)


def profile_title_taken(*, account: Account, title: str,
                        other_than: CallbackProfile | None = None) -> bool:
    """Whether another profile of the account has this title (any case)."""
    others = CallbackProfile.objects.filter(account=account, title__iexact=title)
    if other_than is not None:
        others = others.exclude(pk=other_than.pk)
    return others.exists()
