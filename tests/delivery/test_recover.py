"""Recover: resend every failed delivery of a profile since T, in the UI and the API; bounded,
idempotent (twice sends each failed delivery once) and showing progress."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from pytest_httpserver import HTTPServer

from delivery.models import Delivery, DeliveryStatus
from delivery.services import delivery_create
from profiles.models import ProfileStatus
from profiles.services import profile_set_status

from .test_deliver_callbacks import SMS_VALUES, make_profile

pytestmark = pytest.mark.usefixtures("settings_private_ok")


def failed_delivery(profile, *, hours_ago: float = 1, source_type: str = "sms_message"):
    """A delivery that has exhausted its retries `hours_ago`."""
    delivery = delivery_create(profile=profile, event="SMS-sent", variables=SMS_VALUES,
                               source_type=source_type, source_id="m-1")
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.FAILED, attempt_count=8, next_attempt_at=None,
        last_error="endpoint answered HTTP 503",
        created_at=timezone.now() - timedelta(hours=hours_ago))
    delivery.refresh_from_db()
    return delivery


def recover(actor, profile, since) -> dict:
    response = actor.api().post(
        f"/v1/{actor.sid}/callback/profiles/{profile.profile_id}/recover",
        {"since": since.isoformat()}, format="json")
    assert response.status_code == 202, response.json()
    return response.json()["data"]


def test_recover_twice_sends_each_failed_delivery_once(alice, httpserver: HTTPServer, run_tasks):
    httpserver.expect_request("/dlr").respond_with_data("ok")
    profile = make_profile(alice.account, url=httpserver.url_for("/dlr"))
    failed = [failed_delivery(profile, hours_ago=h) for h in (3, 2, 1)]
    since = timezone.now() - timedelta(hours=4)

    first = recover(alice, profile, since)
    second = recover(alice, profile, since)

    assert (first["resent"], first["already_recovered"]) == (3, 0)
    assert (second["resent"], second["already_recovered"]) == (0, 3)
    assert first["progress"] == {"pending": 3, "succeeded": 0, "failed": 0, "finished": False}

    run_tasks()

    received = sorted(request.headers["webhook-id"] for request, _ in httpserver.log)
    assert received == sorted(d.webhook_id for d in failed)  # each once, original webhook-id
    progress = alice.api().get(
        f"/v1/{alice.sid}/callback/recover-runs/{first['id']}").json()["data"]["progress"]
    assert progress == {"pending": 0, "succeeded": 3, "failed": 0, "finished": True}
    assert recover(alice, profile, since)["resent"] == 0  # still nothing to send
    runs = alice.api().get(
        f"/v1/{alice.sid}/callback/profiles/{profile.profile_id}/recover").json()["data"]
    assert runs["count"] == 3
    assert [r["resent"] for r in runs["results"]] == [0, 0, 3]  # newest first


def test_only_failed_deliveries_of_this_profile_since_t_are_resent(alice, run_tasks):
    profile = make_profile(alice.account, url="https://example.com/dlr")
    other = make_profile(alice.account, url="https://example.com/other")
    wanted = failed_delivery(profile, hours_ago=1)
    failed_delivery(profile, hours_ago=30)  # before T
    failed_delivery(other, hours_ago=1)  # another profile
    Delivery.objects.filter(pk=failed_delivery(profile).pk).update(
        status=DeliveryStatus.SUCCEEDED)

    run = recover(alice, profile, timezone.now() - timedelta(hours=24))

    assert run["resent"] == 1
    copy = Delivery.objects.get(source_type="recover")
    assert (copy.source_id, copy.webhook_id, copy.status) == (
        str(wanted.pk), wanted.webhook_id, DeliveryStatus.PENDING)
    assert copy.request_body == wanted.request_body


def test_a_copy_that_failed_again_is_recovered_again_but_never_copied_itself(alice):
    profile = make_profile(alice.account, url="https://example.com/dlr")
    original = failed_delivery(profile)
    since = timezone.now() - timedelta(hours=2)
    recover(alice, profile, since)
    Delivery.objects.filter(source_type="recover").update(status=DeliveryStatus.FAILED)

    run = recover(alice, profile, since)

    assert run["resent"] == 1
    copies = Delivery.objects.filter(source_type="recover")
    assert copies.count() == 2
    assert set(copies.values_list("source_id", flat=True)) == {str(original.pk)}


def test_a_run_is_bounded_and_the_next_one_continues(alice, settings):
    settings.RECOVER_MAX_DELIVERIES = 2
    profile = make_profile(alice.account, url="https://example.com/dlr")
    for hours in (3, 2, 1):
        failed_delivery(profile, hours_ago=hours)
    since = timezone.now() - timedelta(hours=4)

    first = recover(alice, profile, since)
    second = recover(alice, profile, since)

    assert (first["resent"], first["truncated"]) == (2, True)
    assert (second["resent"], second["already_recovered"], second["truncated"]) == (1, 2, False)


@pytest.mark.parametrize("since, message", [
    (timedelta(hours=-1), "body/since must not be in the future"),
    (timedelta(days=15), "body/since must be within the last 14 days"),
])
def test_since_is_checked(alice, since, message):
    profile = make_profile(alice.account, url="https://example.com/dlr")

    response = alice.api().post(
        f"/v1/{alice.sid}/callback/profiles/{profile.profile_id}/recover",
        {"since": (timezone.now() - since).isoformat()}, format="json")

    assert response.status_code == 400
    assert response.json()["message"] == message


def test_bad_input_gets_the_error_envelope(alice, charlie):
    profile = make_profile(alice.account, url="https://example.com/dlr")
    url = f"/v1/{alice.sid}/callback/profiles/{profile.profile_id}/recover"

    missing = alice.api().post(url, {}, format="json")
    assert missing.status_code == 400
    assert missing.json()["message"] == "body must have required property 'since'"
    assert alice.api().post(url, {"since": "yesterday"}, format="json").status_code == 400

    profile_set_status(profile=profile, status=ProfileStatus.DISABLED, reason="test")
    disabled = alice.api().post(url, {"since": timezone.now().isoformat()}, format="json")
    assert disabled.status_code == 400
    assert "enable it before recovering" in disabled.json()["message"]

    stranger = charlie.api().post(
        f"/v1/{charlie.sid}/callback/profiles/{profile.profile_id}/recover",
        {"since": timezone.now().isoformat()}, format="json")
    assert stranger.status_code == 404
    for run_id in ("1", "abc", "9" * 30):
        assert charlie.api().get(
            f"/v1/{charlie.sid}/callback/recover-runs/{run_id}").status_code == 404


def test_recover_page_resends_and_shows_progress(alice, bob, charlie):
    profile = make_profile(alice.account, url="https://example.com/dlr")
    failed_delivery(profile)
    failed_delivery(profile)
    client = Client()
    client.force_login(bob.user)
    url = f"/deliveries/recover/{profile.profile_id}/"
    since = (timezone.now() - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")

    assert "Recover failed deliveries" in client.get(
        f"/account/callback-profiles/{profile.profile_id}/").content.decode()
    page = client.post(url, {"since": since}, follow=True).content.decode()

    assert "Resent 2 failed deliveries." in page
    assert "0 delivered · 0 failed · 2 pending" in page
    assert 'data-refresh="3"' in page  # the page keeps refreshing while copies are pending
    # The page belongs to a profile: the navigation says Callback Profiles, not Deliveries.
    assert '/account/callback-profiles/" aria-current="page">Callback Profiles</a>' in page
    assert 'aria-current="page">Deliveries' not in page

    again = client.post(url, {"since": since}, follow=True).content.decode()
    assert "Resent 0 failed deliveries (2 already recovered, not sent again)." in again

    bad = client.post(url, {"since": "not a date"})
    assert bad.status_code == 400 and "Enter a valid date/time" in bad.content.decode()

    stranger = Client()
    stranger.force_login(charlie.user)
    assert stranger.get(url).status_code == 404
