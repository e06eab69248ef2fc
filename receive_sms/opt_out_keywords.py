"""The standard keywords on any VMN of the account, with or without a configuration: STOP and
its synonyms opt the sender out, START opts it back in, HELP gets the help text (README
"Opt-out (STOP, START, HELP)")."""

from __future__ import annotations

from sms import opt_outs

from .actions.base import incoming_word, outcome, send_sms
from .models import IncomingMessage, ReceiveConfiguration

SOURCE_KEYWORD_REPLY = "Keyword reply"


def record_keyword(*, incoming: IncomingMessage, kind: str | None) -> list[dict]:
    """Opt the sender out or back in for a standard keyword."""
    account, number = incoming.account, incoming.source
    if kind == opt_outs.OPT_OUT:
        opt_outs.opt_out_record(account=account, number=number, keyword=incoming_word(incoming),
                                via=incoming.recipient)
        return [outcome("opt_out", True, f"{number} opted out of this account's messages")]
    if kind == opt_outs.OPT_IN:
        found = opt_outs.opt_in_record(account=account, number=number,
                                       keyword=incoming_word(incoming))
        detail = f"{number} opted back in" if found else f"{number} had not opted out"
        return [outcome("opt_in", True, detail)]
    return []


def keyword_reply(*, incoming: IncomingMessage, configuration: ReceiveConfiguration | None,
                  kind: str) -> dict:
    """The account's confirmation (STOP, START) or help text; a matched configuration whose
    action answers the sender (Auto Reply) replaces it, so the sender never gets two answers."""
    text = opt_outs.opt_out_replies(account=incoming.account).for_kind(kind)
    # The confirmation of an opt-out and the help text reach an opted-out number (they answer
    # the number's own message); an opt-in confirmation needs no exemption.
    return send_sms(incoming=incoming, configuration=configuration, to=[incoming.source],
                    text=text, source=SOURCE_KEYWORD_REPLY, action=f"{kind}_reply",
                    exempt=kind != opt_outs.OPT_IN)
