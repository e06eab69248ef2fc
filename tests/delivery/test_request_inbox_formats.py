"""The request inbox shows form bodies as fields, and decrypts form and XML values."""

from __future__ import annotations

import pytest

from delivery.inbox import inbox_get_or_create
from delivery.models import DeliveryStatus, InboxRequest
from delivery.services import delivery_create
from profiles.validation import EncryptionInput

from .test_deliver_callbacks import SMS_VALUES, make_profile
from .test_delivery_log import browser

ENCRYPTION = EncryptionInput(algorithm="AES-128-GCM", key="0123456789abcdef",
                             iv="abcdef9876543210", params=["recipient"])


def deliver_to_inbox(alice, live_server, run_tasks, **profile_fields):
    inbox = inbox_get_or_create(account=alice.account)
    profile = make_profile(alice.account, url=f"{live_server.url}/inbox/{inbox.token}/dlr",
                           encryption=ENCRYPTION, **profile_fields)
    delivery = delivery_create(profile=profile, event="SMS-sent", variables=SMS_VALUES,
                               source_type="sms_message", source_id="m-1")
    run_tasks()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED
    return InboxRequest.objects.get(), browser(alice).get("/deliveries/inbox/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_multipart_callback_is_shown_as_fields_and_decrypted(
    alice, live_server, settings_private_ok, run_tasks
):
    entry, html = deliver_to_inbox(alice, live_server, run_tasks,
                                   body={"to": "<recipient>", "state": "<status>"},
                                   body_format="multipart")

    assert "multipart/form-data; boundary=" in entry.headers["Content-Type"]
    assert "Form fields" in html and "<code>state</code>" in html and "DELIVRD" in html
    assert "form/to" in html and "+919876543210" in html  # decrypted


@pytest.mark.django_db(transaction=True)
def test_xml_callback_values_are_decrypted(alice, live_server, settings_private_ok, run_tasks):
    entry, html = deliver_to_inbox(alice, live_server, run_tasks, body_format="xml",
                                   body="<dlr><to><recipient></to></dlr>")

    assert entry.body.startswith("<dlr><to>") and "+919876543210" not in entry.body
    assert "body/to" in html and "+919876543210" in html
