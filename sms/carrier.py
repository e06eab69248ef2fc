"""The carrier simulator: which delivery report a sent message gets (when no real carrier is
configured: README "Connecting a carrier"; sms/smpp/ talks to real ones).

Without a real carrier each message is settled by these rules,
`SMS_DLR_DELAY_SECONDS` after it was accepted (0 = right after the send commits). The rules are
checked top to bottom; the first that matches decides. "Number" means the recipient in E.164.

| Rule                                               | status      | status_trace       | description                                        |
|----------------------------------------------------|-------------|--------------------|----------------------------------------------------|
| type OTP and the text needs more than one unit     | Undelivered | REJECTED-MULTIPART | Validation fail [SMS over 160 characters]          |
|   (70 instead of 160 for a UCS-2 text)             |             |                    |                                                    |
| number ends in 0000 (the demo operator blacklist)  | Undelivered | UNDELIV            | Rejected as the number is blacklisted by operator  |
| number ends in 0404 (handset never reachable)      | Failed      | EXPIRED            | Message validity period expired before delivery    |
| any other number                                   | Delivered   | DELIVRD            | Message successfully delivered to the user         |

Before settling, a message is `Sent` / `SENT` ("Message sent to the operator, awaiting delivery
report"). Statuses are the vendor's (Sent, Delivered, Undelivered, Failed) and traces are SMPP
delivery-receipt states (DELIVRD, UNDELIV, EXPIRED) plus the vendor's REJECTED-MULTIPART.
"""  # noqa: E501

from __future__ import annotations

from dataclasses import dataclass

OTP = "OTP"
BLACKLIST_SUFFIX = "0000"
UNREACHABLE_SUFFIX = "0404"


@dataclass(frozen=True)
class Outcome:
    status: str
    status_trace: str
    description: str


SENT = Outcome("Sent", "SENT", "Message sent to the operator, awaiting delivery report")
DELIVERED = Outcome("Delivered", "DELIVRD", "Message successfully delivered to the user")
BLACKLISTED = Outcome("Undelivered", "UNDELIV", "Rejected as the number is blacklisted by operator")
EXPIRED = Outcome("Failed", "EXPIRED", "Message validity period expired before delivery")


# Real carriers (README: Connecting a carrier).
NO_DLR = Outcome("Expired", "NO-DLR", "No delivery receipt within the validity period")
NO_ROUTE = Outcome("Rejected", "NO-ROUTE", "No carrier takes this destination")
UNKNOWN_SUBMIT = Outcome("Failed", "UNKNOWN-SUBMIT",
                         "The worker stopped mid-submit; not retried (at-most-once)")


def multipart_rejected(single_limit: int) -> Outcome:
    return Outcome(
        "Undelivered", "REJECTED-MULTIPART",
        f"Validation fail [SMS over {single_limit} characters]",
    )


def outcome_for(*, recipient: str, sms_type: str, units: int, single_limit: int) -> Outcome:
    """The delivery report for one message (pure: same input, same report)."""
    if sms_type == OTP and units > 1:
        # OTP routes carry no concatenation: the gateway refuses before the operator sees it.
        return multipart_rejected(single_limit)
    if recipient.endswith(BLACKLIST_SUFFIX):
        return BLACKLISTED
    if recipient.endswith(UNREACHABLE_SUFFIX):
        return EXPIRED
    return DELIVERED
