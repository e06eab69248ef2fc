"""The demo data closes the loop offline: its profiles deliver into the account's own inbox."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from accounts.models import Account
from delivery.inbox import inbox_get_or_create
from delivery.models import DeliveryStatus, InboxRequest
from delivery.services import delivery_create
from profiles.models import CallbackProfile

from .test_deliver_callbacks import SMS_VALUES


def test_demo_profiles_point_at_the_demo_inbox(db):
    call_command("seed_demo", stdout=io.StringIO())

    account = Account.objects.get(name="Demo Company")
    inbox = inbox_get_or_create(account=account)
    urls = list(CallbackProfile.objects.filter(account=account).values_list("url", flat=True))
    assert len(urls) == 3
    assert all(url.startswith(f"http://127.0.0.1:8000/inbox/{inbox.token}/") for url in urls)


@pytest.mark.django_db(transaction=True)
def test_demo_callbacks_arrive_in_the_inbox(live_server, settings_private_ok, run_tasks):
    call_command("seed_demo", base_url=live_server.url, stdout=io.StringIO())
    account = Account.objects.get(name="Demo Company")

    deliveries = [
        delivery_create(profile=profile, event="SMS-sent", variables=SMS_VALUES,
                        source_type="sms_message", source_id="demo-1")
        for profile in CallbackProfile.objects.filter(account=account)
    ]
    # One at a time: live_server threads share the test's single in-memory SQLite connection.
    run_tasks(concurrency=1)

    for delivery in deliveries:
        delivery.refresh_from_db()
        assert delivery.status == DeliveryStatus.SUCCEEDED, delivery.last_error
    received = InboxRequest.objects.filter(inbox__account=account)
    assert sorted(received.values_list("method", flat=True)) == ["GET", "POST", "POST"]
    assert {r.webhook_id for r in received} == {d.webhook_id for d in deliveries}
