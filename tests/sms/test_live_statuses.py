"""Pages that update themselves: SMS Logs, the delivery detail and the profile page poll a small
JSON endpoint while anything is pending, and it answers the fresh rows to swap in."""

from __future__ import annotations

from delivery.models import Delivery
from sms.services import message_send


def test_sms_logs_poll_until_the_report_and_its_callback_are_final(
    client, alice, make_profile, httpserver, run_tasks, django_capture_on_commit_callbacks
):
    httpserver.expect_request("/dlr", method="POST").respond_with_data("ok")
    profile = make_profile(alice, url=httpserver.url_for("/dlr"))
    client.force_login(alice.user)
    with django_capture_on_commit_callbacks(execute=True):
        message_send(account=alice.account, to="+919876543210", body="hi",
                     callback_profile_id=profile.profile_id)

    page = client.get("/sms/logs/").content.decode()
    assert 'data-live-url="/sms/logs/live"' in page and 'data-live-pending="true"' in page
    live = client.get("/sms/logs/live").json()
    assert live["pending"] is True
    assert "Waiting for the delivery report" in live["html"]["sms-log-rows"]

    run_tasks()  # settles the SMS and sends its delivery report
    live = client.get("/sms/logs/live").json()
    assert live["pending"] is False
    assert "Delivered" in live["html"]["sms-log-rows"]
    assert "Succeeded (200)" in live["html"]["sms-log-rows"]


def test_sms_logs_live_keeps_the_filters_and_the_account(client, alice, charlie, sms_settings):
    message_send(account=alice.account, to="+919876543210", body="alice's")
    message_send(account=charlie.account, to="+919876500001", body="charlie's")
    client.force_login(alice.user)
    rows = client.get("/sms/logs/live?q=9876543210").json()["html"]["sms-log-rows"]
    assert "+919876543210" in rows and "+919876500001" not in rows
    rows = client.get("/sms/logs/live?q=0000").json()["html"]["sms-log-rows"]
    assert "No messages match these filters." in rows


def test_delivery_detail_polls_until_the_resend_is_attempted(
    client, alice, make_profile, httpserver, run_tasks
):
    from delivery.services import delivery_create

    httpserver.expect_request("/dlr").respond_with_data("no", status=503)
    profile = make_profile(alice, url=httpserver.url_for("/dlr"))
    delivery = delivery_create(profile=profile, event="SMS-sent", variables={"status": "x"},
                               source_type="test", source_id="1")
    client.force_login(alice.user)
    page = client.get(f"/deliveries/{delivery.pk}/").content.decode()
    assert 'data-live-pending="true"' in page and "No attempt yet" in page

    run_tasks(include_future=False)
    live = client.get(f"/deliveries/{delivery.pk}/live").json()
    # Failed once, waiting for the retry: still pending, and it says so.
    assert live["pending"] is True
    assert "Attempt 1" in live["html"]["delivery-attempts"]
    assert "Retrying" in live["html"]["delivery-status"]

    client.force_login(alice.user)
    Delivery.objects.filter(pk=delivery.pk).update(status="failed")
    assert client.get(f"/deliveries/{delivery.pk}/live").json()["pending"] is False


def test_live_endpoints_are_private(client, alice, charlie, make_profile):
    from delivery.services import delivery_create

    profile = make_profile(alice, url="https://example.com/x")
    delivery = delivery_create(profile=profile, event="SMS-sent", variables={},
                               source_type="test", source_id="1")
    client.force_login(charlie.user)
    assert client.get(f"/deliveries/{delivery.pk}/live").status_code == 404
    assert client.get(f"/account/callback-profiles/{profile.profile_id}/live/").status_code == 404
    client.logout()
    assert client.get("/sms/logs/live").status_code == 302


def test_profile_page_polls_while_a_delivery_is_pending(client, alice, make_profile):
    from delivery.services import delivery_create

    profile = make_profile(alice, url="https://example.com/x")
    url = f"/account/callback-profiles/{profile.profile_id}/"
    client.force_login(alice.user)
    assert 'data-live-pending="false"' in client.get(url).content.decode()

    delivery_create(profile=profile, event="SMS-sent",
                    variables={"recipient": "919876543210", "message_id": "abc:1"},
                    source_type="test", source_id="1")
    assert 'data-live-pending="true"' in client.get(url).content.decode()
    live = client.get(url + "live/").json()
    assert live["pending"] is True
    assert "919876543210" in live["html"]["profile-log"] and "abc:1" in live["html"]["profile-log"]
    assert "Pending" in live["html"]["profile-log"]
    assert "0 succeeded" in live["html"]["profile-chart"]
