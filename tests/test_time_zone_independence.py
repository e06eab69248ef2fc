"""Times the product calls UTC are UTC under any TIME_ZONE: the 24-hour chart, the SMS `total`
of the UTC day, the incoming `timestamp`, API times and the times shown on pages."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from django.utils import timezone

from delivery.models import Delivery, DeliveryStatus
from profile_pages.queries import profile_delivery_success_by_hour
from receive_sms.matching import callback_variables
from receive_sms.models import IncomingMessage
from receive_sms.services import incoming_sms_receive, vmn_provision
from sms.models import Message

from .delivery.test_deliver_callbacks import SMS_VALUES, make_profile

ZONES = ["Asia/Kolkata", "America/St_Johns", "Pacific/Kiritimati"]


@pytest.fixture(params=ZONES)
def far_zone(request, settings):
    settings.TIME_ZONE = request.param
    return request.param


def delivered(profile) -> Delivery:
    from delivery.services import delivery_create

    delivery = delivery_create(profile=profile, event="SMS-sent", variables=SMS_VALUES,
                               source_type="sms_message", source_id="x:1")
    Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.SUCCEEDED)
    return delivery


def test_the_24_hour_chart_counts_this_hours_deliveries(alice, far_zone):
    profile = make_profile(alice.account, url="https://example.com/cb")
    for _ in range(3):
        delivered(profile)

    buckets = profile_delivery_success_by_hour(account=alice.account, profile=profile)

    assert buckets[-1].succeeded == 3
    assert sum(b.succeeded for b in buckets) == 3
    assert buckets[-1].start.utcoffset() == timedelta(0)


def test_the_profile_page_chart_shows_them(client, alice, far_zone):
    profile = make_profile(alice.account, url="https://example.com/cb")
    delivered(profile)
    client.force_login(alice.user)

    html = client.get(f"/account/callback-profiles/{profile.profile_id}/").content.decode()

    hour = timezone.now().astimezone(UTC).strftime("%H:00")
    assert f"{hour} UTC: 1 succeeded, 0 failed" in html


def test_sms_total_counts_the_utc_day(alice, far_zone):
    midnight = datetime.combine(timezone.now().astimezone(UTC).date(), time.min, tzinfo=UTC)

    def send(text: str, at: datetime) -> int:
        with time_machine.travel(at, tick=False):
            answer = alice.api().post(f"/v1/{alice.sid}/messages",
                                      {"to": "+919876543210", "body": text}, format="json")
        assert answer.status_code == 202
        return Message.objects.get(message_id=answer.json()["data"]["messages"][0]["message_id"])

    # One message just before UTC midnight (yesterday), then two just after (today).
    assert send("one", midnight - timedelta(seconds=1)).total == 1
    assert send("two", midnight + timedelta(seconds=1)).total == 1
    assert send("three", midnight + timedelta(seconds=2)).total == 2  # "two" and itself


def test_incoming_timestamp_is_utc(alice, far_zone):
    vmn = vmn_provision(account=alice.account, number="+919870012345")
    incoming_sms_receive(to=vmn.number, source="+919812345678", message="HELLO there")
    incoming = IncomingMessage.objects.get()

    variables = callback_variables(incoming=incoming, http_method="POST")

    assert variables["timestamp"] == incoming.received_at.astimezone(UTC).strftime(
        "%Y-%m-%d %H:%M:%S")


def test_api_times_and_page_times_are_utc(client, alice, far_zone):
    profile = make_profile(alice.account, url="https://example.com/cb")
    delivery = delivered(profile)

    data = alice.api().get(f"/v1/{alice.sid}/callback/profiles/{profile.profile_id}").json()
    client.force_login(alice.user)
    page = client.get(f"/deliveries/{delivery.pk}/").content.decode()

    assert data["data"]["created_at"].endswith("Z")
    shown = delivery.created_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
    assert f"{shown} UTC" in page


def test_a_bare_created_to_date_is_a_utc_day(alice, far_zone):
    make_profile(alice.account, url="https://example.com/cb")
    today = timezone.now().astimezone(UTC).date().isoformat()

    listed = alice.api().get(f"/v1/{alice.sid}/callback/profiles",
                             {"created_from": today, "created_to": today}).json()

    assert listed["data"]["count"] == 1
