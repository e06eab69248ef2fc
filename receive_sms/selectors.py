"""Reads for Receive SMS, always scoped to one account."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from django.db.models import Count, Q, QuerySet

from accounts.models import Account
from common.dates import day_bound
from common.errors import NotFound

from .models import (
    VMN,
    IncomingMessage,
    ReceiveConfiguration,
    SenderId,
    Subscriber,
    SubscriberList,
    TriggerType,
)

VMN_NOT_FOUND = "No number exists with this value"
CONFIGURATION_NOT_FOUND = "No configuration exists with this id"
MESSAGE_NOT_FOUND = "No message exists with this id"
LIST_NOT_FOUND = "No subscriber list exists with this id"


def vmn_list(*, account: Account) -> QuerySet[VMN]:
    return VMN.objects.filter(account=account)


def get_vmn_for_account(*, account: Account, number: str) -> VMN:
    from .services import normalise_number  # services import selectors, not the reverse

    vmn = VMN.objects.filter(account=account, number=normalise_number(number) or number).first()
    if vmn is None:
        raise NotFound(VMN_NOT_FOUND)
    return vmn


def sender_id_list(*, account: Account) -> QuerySet[SenderId]:
    return SenderId.objects.filter(account=account)


def configuration_list(*, account: Account, number: str = "") -> QuerySet[ReceiveConfiguration]:
    qs = ReceiveConfiguration.objects.filter(account=account).select_related(
        "vmn", "callback_profile", "webhook_profile", "reply_callback_profile",
    )
    if number:
        qs = qs.filter(vmn__number__icontains=number.strip())
    return qs


def orphaned_configuration_list(*, account: Account) -> QuerySet[ReceiveConfiguration]:
    """Configurations with Trigger URL on whose callback profile was deleted: they match
    messages and fire no callback."""
    return configuration_list(account=account).filter(
        Q(trigger_type=TriggerType.URL, webhook_profile__isnull=True)
        | ~Q(trigger_type=TriggerType.URL) & Q(callback_profile__isnull=True),
        trigger_url=True,
    )


def get_configuration_for_account(
    *, account: Account, configuration_id: str | uuid.UUID
) -> ReceiveConfiguration:
    try:
        public_id = uuid.UUID(str(configuration_id))
    except ValueError as exc:
        raise NotFound(CONFIGURATION_NOT_FOUND) from exc
    configuration = (
        ReceiveConfiguration.objects.filter(account=account, public_id=public_id)
        .select_related("vmn", "callback_profile", "webhook_profile", "reply_callback_profile")
        .first()
    )
    if configuration is None:
        raise NotFound(CONFIGURATION_NOT_FOUND)
    return configuration


def incoming_message_list(
    *,
    account: Account,
    number: str = "",
    keyword: str = "",
    date_from: date | datetime | None = None,
    date_to: date | datetime | None = None,
) -> QuerySet[IncomingMessage]:
    """The Logs: newest first, with everything a row shows fetched in the same query."""
    qs = IncomingMessage.objects.filter(account=account).select_related(
        "vmn", "configuration", "configuration__callback_profile",
        "configuration__webhook_profile", "callback_delivery",
    )
    if number:  # the VMN or the sender: whichever number the customer has at hand
        number = number.strip()
        qs = qs.filter(Q(recipient__icontains=number) | Q(source__icontains=number))
    if keyword:
        qs = qs.filter(keyword__iexact=keyword.strip())
    if date_from:
        qs = qs.filter(received_at__gte=day_bound(date_from, end=False))
    if date_to:
        qs = qs.filter(received_at__lte=day_bound(date_to, end=True))
    return qs


def get_incoming_message_for_account(
    *, account: Account, message_id: str | uuid.UUID
) -> IncomingMessage:
    try:
        public_id = uuid.UUID(str(message_id))
    except ValueError as exc:
        raise NotFound(MESSAGE_NOT_FOUND) from exc
    incoming = (
        incoming_message_list(account=account).filter(public_id=public_id).first()
    )
    if incoming is None:
        raise NotFound(MESSAGE_NOT_FOUND)
    return incoming


def subscriber_list_list(*, account: Account) -> QuerySet[SubscriberList]:
    """The account's lists with how many numbers are subscribed now."""
    return SubscriberList.objects.filter(account=account).annotate(
        subscribed=Count("subscribers", filter=Q(subscribers__subscribed_at__isnull=False,
                                                 subscribers__unsubscribed_at__isnull=True)),
        unsubscribed=Count("subscribers", filter=Q(subscribers__unsubscribed_at__isnull=False)),
    )


def get_subscriber_list_for_account(
    *, account: Account, list_id: str | uuid.UUID
) -> SubscriberList:
    try:
        public_id = uuid.UUID(str(list_id))
    except ValueError as exc:
        raise NotFound(LIST_NOT_FOUND) from exc
    found = SubscriberList.objects.filter(account=account, public_id=public_id).first()
    if found is None:
        raise NotFound(LIST_NOT_FOUND)
    return found


def subscriber_members(
    *, subscriber_list: SubscriberList, status: str = ""
) -> QuerySet[Subscriber]:
    """Members newest first; `status` "subscribed" or "unsubscribed" filters."""
    qs = subscriber_list.subscribers.all()
    if status == "subscribed":
        qs = qs.filter(subscribed_at__isnull=False, unsubscribed_at__isnull=True)
    elif status == "unsubscribed":
        qs = qs.filter(unsubscribed_at__isnull=False)
    return qs
