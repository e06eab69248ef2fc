"""Reads for sent SMS, always scoped to one account."""

from __future__ import annotations

import uuid

from django.db.models import Q, QuerySet

from accounts.models import Account
from common.errors import NotFound

from .models import Message

MESSAGE_NOT_FOUND = "No message exists with this id"


def message_list(
    *,
    account: Account,
    q: str = "",
    status: str = "",
    type: str = "",  # noqa: A002 - the API's field name
    request_id: str = "",
    profile_id: str = "",
) -> QuerySet[Message]:
    """Newest first; `q` matches the recipient (with or without +) or a message id."""
    qs = Message.objects.filter(account=account).select_related(
        "callback_profile", "callback_delivery"
    )
    if q := q.strip():
        qs = qs.filter(Q(recipient__contains=q.lstrip("+")) | Q(message_id__startswith=q))
    if status:
        qs = qs.filter(status=status)
    if type:
        qs = qs.filter(type=type)
    if request_id:
        try:
            qs = qs.filter(request_id=uuid.UUID(request_id))
        except ValueError:
            qs = qs.none()
    if profile_id:
        qs = qs.filter(callback_profile__profile_id=profile_id)
    return qs


def get_message_for_account(*, account: Account, message_id: str) -> Message:
    message = (
        Message.objects.filter(account=account, message_id=message_id)
        .select_related("callback_profile", "callback_delivery")
        .first()
    )
    if message is None:
        raise NotFound(MESSAGE_NOT_FOUND)
    return message
