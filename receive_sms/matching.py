"""Which receive configuration an incoming SMS matches, and the variables its callback carries.

Matching rule (documented in the README):

1. The *keyword* of a message is its first word (text up to the first whitespace), compared
   case-insensitively: "stop testing message", "STOP testing" and "Stop" all have keyword STOP.
2. The active, unexpired configuration on the receiving number whose keyword equals it wins.
3. Otherwise the number's default configuration (the one without a keyword) catches the message,
   if it is active. A keyword configuration that is inactive or expired is skipped, so its
   messages also fall through to the default configuration.
4. Otherwise the message is unmatched: it is logged with matched = false and fires nothing.

A configuration that runs no action (Trigger URL off and no other action, saved before such
configurations were refused) is skipped like an inactive one, so it cannot swallow its
keyword's messages.

A matched configuration fires its callback profile only when its Trigger URL toggle is on.

Variables (README "Receiving SMS on a VMN"): source, recipient,
description ("Message has been sent"), status and status_trace ("SENT"), id and kid (the incoming
message's ids), message, keyword (the configuration's keyword; empty for the default
configuration), operator, circle, timestamp ("YYYY-MM-DD HH:MM:SS"), parts[1], parts[2], ... (the
1-based words of the message) and parts[n] (the first word).

With a GET (or DELETE) profile everything travels in the URL and the message text never goes
back: `message`, `parts[1]` and `parts[n]` carry the matched keyword and no other parts are
given.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.db.models import Q
from django.utils import timezone

from common.template_grammar import BODY_METHODS

from .models import VMN, IncomingMessage, ReceiveConfiguration

DESCRIPTION = "Message has been sent"
STATUS = "SENT"
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S"


def message_parts(message: str) -> list[str]:
    """The words of a message, split on any whitespace."""
    return message.split()


def first_word(message: str) -> str:
    parts = message_parts(message)
    return parts[0] if parts else ""


def normalise_keyword(keyword: str) -> str:
    return keyword.strip().upper()


def match_configuration(
    *, vmn: VMN, message: str, now: datetime | None = None
) -> ReceiveConfiguration | None:
    """The configuration that takes `message` on `vmn`, or None (see the module docstring)."""
    now = now or timezone.now()
    keyword = normalise_keyword(first_word(message))
    candidates = (
        ReceiveConfiguration.objects.filter(vmn=vmn, active=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .filter(keyword__in=[keyword, ""] if keyword else [""])
        .select_related("callback_profile", "webhook_profile", "reply_callback_profile")
    )
    by_keyword = {config.keyword: config for config in candidates
                  if config.trigger_url or config.actions}
    return by_keyword.get(keyword) if keyword in by_keyword else by_keyword.get("")


def callback_variables(*, incoming: IncomingMessage, http_method: str) -> dict[str, str]:
    """The SMS-incoming dynamic variables of `incoming`, as sent to a profile using
    `http_method`."""
    with_body = http_method.upper() in BODY_METHODS
    words = message_parts(incoming.message)
    keyword = incoming.keyword
    variables = {
        "source": incoming.source,
        "recipient": incoming.recipient,
        "description": DESCRIPTION,
        "status": STATUS,
        "status_trace": STATUS,
        "id": str(incoming.public_id),
        "kid": str(incoming.kid),
        "message": incoming.message if with_body else keyword,
        "keyword": keyword,
        "operator": incoming.operator,
        "circle": incoming.circle,
        "timestamp": incoming.received_at.astimezone(UTC).strftime(TIMESTAMP_FORMAT),
    }
    if with_body:
        for index, word in enumerate(words, start=1):
            variables[f"parts[{index}]"] = word
        variables["parts[n]"] = words[0] if words else ""
    else:
        variables["parts[1]"] = keyword
        variables["parts[n]"] = keyword
    return variables
