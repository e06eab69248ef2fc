"""In-process helpers for carrier tests that need no SMSC: a message accepted for the
SMS_CARRIER_URL carrier and given carrier ids the way a bind records them (sms.smpp.submit)."""

from __future__ import annotations

from sms.models import Message
from sms.services import message_send
from sms.smpp import routing, submit

CARRIER_URL = "smpp://tester:secret@127.0.0.1:9?validity=3600"


def use_carrier(settings, url: str = CARRIER_URL) -> None:
    settings.SMS_CARRIER_URL = url
    routing.forget()


def submitted(actor, to: str, body: str = "hello", profile_id: str = "") -> Message:
    """Accept a message and record a submit_sm_resp for each part (ids `<to>-<part>`)."""
    (message,) = message_send(account=actor.account, to=to, body=body,
                              callback_profile_id=profile_id).messages
    pending = submit.claim(carrier_id=message.carrier_id, lease="test", limit=1)
    submit.record_responses(carrier_id=message.carrier_id, retry_in=1, responses=[
        submit.Response(part, 0, f"{to}-{part.payload.number}") for part in pending])
    message.refresh_from_db()
    return message
