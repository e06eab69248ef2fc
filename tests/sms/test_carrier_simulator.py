"""The carrier simulator's documented outcomes (sms/carrier.py), checked rule by rule."""

from __future__ import annotations

import pytest

from sms.carrier import outcome_for


@pytest.mark.parametrize(
    ("recipient", "sms_type", "units", "limit", "expected"),
    [
        ("+919876543210", "TXN", 1, 160,
         ("Delivered", "DELIVRD", "Message successfully delivered to the user")),
        ("+919876543210", "MKT", 3, 160,
         ("Delivered", "DELIVRD", "Message successfully delivered to the user")),
        ("+919876543210", "OTP", 2, 160,
         ("Undelivered", "REJECTED-MULTIPART", "Validation fail [SMS over 160 characters]")),
        ("+919876543210", "OTP", 2, 70,
         ("Undelivered", "REJECTED-MULTIPART", "Validation fail [SMS over 70 characters]")),
        ("+919876500000", "TXN", 1, 160,
         ("Undelivered", "UNDELIV", "Rejected as the number is blacklisted by operator")),
        # The multipart check comes first: the gateway refuses before the operator sees it.
        ("+919876500000", "OTP", 2, 160,
         ("Undelivered", "REJECTED-MULTIPART", "Validation fail [SMS over 160 characters]")),
        ("+919876500404", "TXN", 1, 160,
         ("Failed", "EXPIRED", "Message validity period expired before delivery")),
    ],
)
def test_outcomes(recipient, sms_type, units, limit, expected):
    outcome = outcome_for(recipient=recipient, sms_type=sms_type, units=units, single_limit=limit)
    assert (outcome.status, outcome.status_trace, outcome.description) == expected


def test_staff_see_messages_in_the_admin(admin_client, alice, sms_settings):
    from sms.services import message_send

    result = message_send(account=alice.account, to="+919876543210", body="Hi")
    page = admin_client.get("/admin/sms/message/")
    assert page.status_code == 200
    assert result.messages[0].message_id in page.content.decode()
    detail = admin_client.get(f"/admin/sms/message/{result.messages[0].pk}/change/")
    assert detail.status_code == 200
