"""Opt-out, after Twilio's Advanced Opt-Out.

A number that texts STOP (or STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT) as the first word of an
SMS to one of the account's numbers is opted out of every SMS the account sends; START, YES or
UNSTOP opt it back in; HELP gets the account's help text. `message_send` refuses opted-out
recipients, except OTP messages: a one-time password is requested by the number's owner a
moment before it is sent, so blocking it would lock them out of a service rather than stop
unwanted messages (documented in the README).

Receive SMS calls `opt_out_record` / `opt_in_record` when such a keyword arrives; the replies are
sent by Receive SMS through `message_send` like any message.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Account
from common.errors import InvalidInput, Issue

from .models import OptOut, OptOutSettings
from .recipients import InvalidNumber, parse_recipient

OPT_OUT_KEYWORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"})
OPT_IN_KEYWORDS = frozenset({"START", "YES", "UNSTOP"})
HELP_KEYWORDS = frozenset({"HELP"})

OPT_OUT = "opt_out"
OPT_IN = "opt_in"
HELP = "help"

DEFAULT_OPT_OUT_REPLY = (
    "You have been unsubscribed and will receive no more messages from us. Reply START to "
    "subscribe again."
)
DEFAULT_OPT_IN_REPLY = (
    "You are subscribed again. Reply HELP for help, STOP to unsubscribe."
)
DEFAULT_HELP_REPLY = "Reply STOP to unsubscribe, START to subscribe again."
MAX_REPLY = 320


def keyword_kind(keyword: str) -> str | None:
    """OPT_OUT, OPT_IN, HELP or None for a message's first word (any case)."""
    word = (keyword or "").strip().upper()
    if word in OPT_OUT_KEYWORDS:
        return OPT_OUT
    if word in OPT_IN_KEYWORDS:
        return OPT_IN
    if word in HELP_KEYWORDS:
        return HELP
    return None


def normalise(number: str) -> str:
    """`number` as E.164 (what `message_send` stores), whatever form the carrier used."""
    try:
        return parse_recipient(number).e164
    except InvalidNumber:
        digits = "".join(ch for ch in number or "" if ch.isdigit())
        return f"+{digits}" if digits else (number or "").strip()


@transaction.atomic
def opt_out_record(*, account: Account, number: str, keyword: str = "STOP",
                   via: str = "") -> OptOut:
    """Opt `number` out of the account's messages (again, if it had opted back in)."""
    e164 = normalise(number)
    values = {"keyword": keyword.upper()[:30], "via": via[:20], "opted_out_at": timezone.now(),
              "opted_in_at": None, "opt_in_keyword": ""}
    try:
        with transaction.atomic():
            opt_out, _ = OptOut.objects.update_or_create(account=account, number=e164,
                                                         defaults=values)
    except IntegrityError:  # a concurrent STOP from the same number created it first
        opt_out, _ = OptOut.objects.update_or_create(account=account, number=e164,
                                                     defaults=values)
    return opt_out


@transaction.atomic
def opt_in_record(*, account: Account, number: str, keyword: str = "START") -> OptOut | None:
    """Let `number` receive the account's messages again; None if it had never opted out."""
    opt_out = (OptOut.objects.select_for_update()
               .filter(account=account, number=normalise(number)).first())
    if opt_out is None:
        return None
    if opt_out.opted_in_at is None:
        opt_out.opted_in_at = timezone.now()
        opt_out.opt_in_keyword = keyword.upper()[:30]
        opt_out.save(update_fields=["opted_in_at", "opt_in_keyword"])
    return opt_out


def is_opted_out(*, account: Account, number: str) -> bool:
    return OptOut.objects.filter(account=account, number=normalise(number),
                                 opted_in_at__isnull=True).exists()


def opted_out_numbers(*, account: Account, numbers: Iterable[str]) -> set[str]:
    """Which of these E.164 numbers are opted out: one query for a whole send request."""
    wanted = sorted(set(numbers))
    if not wanted:
        return set()
    with connection.cursor() as cursor:
        cursor.execute(*opted_out_query(account_id=account.pk, numbers=wanted))
        return {number for (number,) in cursor.fetchall()}


def opted_out_query(*, account_id: int, numbers: Sequence[str]) -> tuple[str, list]:
    """The SQL selecting which of `numbers` (at least one) are opted out, and its parameters;
    also the guard of a send's INSERT (sms.acceptance). Written out because the ORM's cost to
    build it was a fifth of a send (bench/pipeline.py)."""
    quote = connection.ops.quote_name
    return (f"SELECT {quote('number')} FROM {quote(OptOut._meta.db_table)} "
            f"WHERE {quote('account_id')} = %s AND {quote('opted_in_at')} IS NULL "
            f"AND {quote('number')} IN ({', '.join(['%s'] * len(numbers))})",
            [account_id, *numbers])


def opt_out_issue(number: str) -> Issue:
    return Issue("to", f"{number} has opted out of this account's messages (it texted STOP); "
                       "it can opt back in by texting START")


def opt_out_list(*, account: Account, opted_out_only: bool = True) -> QuerySet[OptOut]:
    qs = OptOut.objects.filter(account=account)
    return qs.filter(opted_in_at__isnull=True) if opted_out_only else qs


@dataclass(frozen=True)
class Replies:
    opt_out: str
    opt_in: str
    help: str

    def for_kind(self, kind: str) -> str:
        return {OPT_OUT: self.opt_out, OPT_IN: self.opt_in, HELP: self.help}[kind]


def opt_out_replies(*, account: Account) -> Replies:
    """The account's confirmation and help texts (the defaults where none is set)."""
    found = OptOutSettings.objects.filter(account=account).first()
    return Replies(
        opt_out=(found and found.opt_out_reply) or DEFAULT_OPT_OUT_REPLY,
        opt_in=(found and found.opt_in_reply) or DEFAULT_OPT_IN_REPLY,
        help=(found and found.help_reply) or DEFAULT_HELP_REPLY,
    )


@transaction.atomic
def opt_out_settings_update(
    *, account: Account, opt_out_reply: str, opt_in_reply: str, help_reply: str
) -> OptOutSettings:
    """Blank texts fall back to the defaults."""
    values = {"opt_out_reply": (opt_out_reply or "").strip(),
              "opt_in_reply": (opt_in_reply or "").strip(),
              "help_reply": (help_reply or "").strip()}
    issues = [Issue(name, f"must NOT have more than {MAX_REPLY} characters")
              for name, value in values.items() if len(value) > MAX_REPLY]
    if issues:
        raise InvalidInput(issues)
    found, _ = OptOutSettings.objects.update_or_create(account=account, defaults=values)
    return found
