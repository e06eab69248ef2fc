"""On a huge deliveries table the profile page and the deliveries list count at most a capped
number of rows: the pager reads "Page 1 of N+" (bench/retention.py measures the real thing)."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from common import paging
from delivery.models import Delivery, DeliveryStatus
from profiles.services import profile_create
from profiles.validation import ProfileInput


def test_logs_count_at_most_the_cap(alice, monkeypatch):
    monkeypatch.setattr(paging, "COUNT_CAP", 40)
    profile = profile_create(account=alice.account, data=ProfileInput(
        title="Busy", channel="sms", http_method="POST", url="https://example.com/cb", body=None))
    Delivery.objects.bulk_create([
        Delivery(account=alice.account, profile=profile, event="SMS-sent", webhook_id=f"msg_{n}",
                 request_method="POST", request_url=profile.url,
                 status=DeliveryStatus.SUCCEEDED)
        for n in range(70)
    ])
    client = Client()
    client.force_login(alice.user)

    with CaptureQueriesContext(connection) as queries:
        page = client.get(f"/account/callback-profiles/{profile.profile_id}/").content.decode()
    assert "Page 1 of 2+" in page
    counts = [q["sql"] for q in queries.captured_queries
              if q["sql"].upper().startswith("SELECT COUNT(") and "delivery_delivery" in q["sql"]]
    assert counts and all("LIMIT 41" in sql for sql in counts)

    last = client.get(f"/account/callback-profiles/{profile.profile_id}/?page=9").content.decode()
    assert "Page 2 of 2+" in last


def test_small_logs_read_as_before(alice):
    profile = profile_create(account=alice.account, data=ProfileInput(
        title="Quiet", channel="sms", http_method="POST", url="https://example.com/cb",
        body=None))
    Delivery.objects.bulk_create([
        Delivery(account=alice.account, profile=profile, event="SMS-sent", webhook_id=f"msg_{n}",
                 request_method="POST", request_url=profile.url)
        for n in range(25)
    ])
    client = Client()
    client.force_login(alice.user)

    page = client.get(f"/account/callback-profiles/{profile.profile_id}/").content.decode()

    assert "Page 1 of 2<" in page
