"""Subscriber lists: the Subscribe and Unsubscribe actions add and remove the sender."""

from __future__ import annotations

import re

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Account
from common.errors import InvalidInput, Issue

from .models import Subscriber, SubscriberList

LIST_NAME_MAX_LENGTH = SubscriberList.NAME_MAX_LENGTH
_LIST_NAME = rf"[A-Za-z0-9][A-Za-z0-9 _-]{{0,{LIST_NAME_MAX_LENGTH - 1}}}"
LIST_NAME_PATTERN = re.compile(f"^{_LIST_NAME}$")
LIST_NAME_RULE = (f"must be 1 to {LIST_NAME_MAX_LENGTH} letters, digits, spaces, hyphens or "
                  "underscores")
# What the API takes: the name, with spaces around it that are stripped (OpenAPI `pattern`).
LIST_NAME_INPUT_PATTERN = rf"^\s*{_LIST_NAME}\s*$"


def list_name_issues(name: str, field: str) -> list[Issue]:
    return [] if LIST_NAME_PATTERN.match(name) else [Issue(field, LIST_NAME_RULE)]


def subscriber_list_get_or_create(*, account: Account, name: str) -> SubscriberList:
    """The account's list called `name` (any case), created on first use."""
    name = (name or "").strip()
    issues = list_name_issues(name, "name")
    if issues:
        raise InvalidInput(issues)
    found = SubscriberList.objects.filter(account=account, name__iexact=name).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return SubscriberList.objects.create(account=account, name=name)
    except IntegrityError:  # created concurrently
        return SubscriberList.objects.get(account=account, name__iexact=name)


@transaction.atomic
def subscriber_add(*, subscriber_list: SubscriberList, number: str, keyword: str) -> Subscriber:
    """Subscribe `number` (again, if it had unsubscribed): the subscribed time is now."""
    subscriber, _ = Subscriber.objects.select_for_update().get_or_create(
        subscriber_list=subscriber_list, number=number,
    )
    if not subscriber.is_subscribed:
        subscriber.subscribed_at = timezone.now()
        subscriber.unsubscribed_at = None
        subscriber.unsubscribe_keyword = ""
        subscriber.source_keyword = keyword[:30]
        subscriber.save()
    return subscriber


@transaction.atomic
def subscriber_remove(
    *, subscriber_list: SubscriberList, number: str, keyword: str
) -> Subscriber | None:
    """Unsubscribe `number`; None when it was not on the list."""
    subscriber = (Subscriber.objects.select_for_update()
                  .filter(subscriber_list=subscriber_list, number=number).first())
    if subscriber is None or not subscriber.is_subscribed:
        return None
    subscriber.unsubscribed_at = timezone.now()
    subscriber.unsubscribe_keyword = keyword[:30]
    subscriber.save(update_fields=["unsubscribed_at", "unsubscribe_keyword"])
    return subscriber
