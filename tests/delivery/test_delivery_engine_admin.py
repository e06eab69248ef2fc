"""The admin's read-only pages for the engine (endpoint states, worker heartbeats, rate
windows) and its one write: "Close circuit now", after which waiting deliveries go out."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from pytest_httpserver import HTTPServer

from delivery.models import Delivery, DeliveryStatus, RateLimitWindow, WorkerHeartbeat
from delivery.services import delivery_create
from profiles.models import CircuitState, EndpointState
from tests.profiles.page_helpers import make_profile

VALUES = {"message_id": "m-1:1", "status": "DELIVRD", "recipient": "+919876543210"}
CHANGELIST = "/admin/profiles/endpointstate/"


@pytest.fixture
def staff_client(client, db):
    user = get_user_model().objects.create_superuser("root@example.com", "root@example.com", "pw")
    client.force_login(user)
    return client


def open_circuit(profile, *, failures: int = 5) -> EndpointState:
    now = timezone.now()
    return EndpointState.objects.create(
        profile=profile, circuit=CircuitState.OPEN, consecutive_failures=failures,
        opened_at=now, reopen_at=now + timedelta(minutes=10), cooloff_seconds=600,
    )


def test_engine_pages_list_their_rows_read_only(staff_client, alice):
    profile = make_profile(alice.account, "Paused one")
    open_circuit(profile, failures=8)
    now = timezone.now()
    WorkerHeartbeat.objects.create(worker_id="w-admin", hostname="app-9", pid=77,
                                   started_at=now, last_seen_at=now, in_flight=3,
                                   endpoints={str(profile.pk): 3})
    RateLimitWindow.objects.create(profile=profile, window_start=now.replace(microsecond=0),
                                   count=4)

    states = staff_client.get(CHANGELIST).content.decode()
    assert "Paused one" in states and alice.sid in states and "Open" in states
    assert "Close circuit now" in states
    workers = staff_client.get("/admin/delivery/workerheartbeat/").content.decode()
    assert "w-admin" in workers and "app-9" in workers
    windows = staff_client.get("/admin/delivery/ratelimitwindow/").content.decode()
    assert "Paused one" in windows

    for model in ("profiles/endpointstate", "delivery/workerheartbeat",
                  "delivery/ratelimitwindow"):
        assert staff_client.get(f"/admin/{model}/add/").status_code == 403
    detail = staff_client.get(f"{CHANGELIST}{profile.pk}/change/").content.decode()
    assert 'name="_save"' not in detail  # a view, not a form


def test_close_circuit_now_lets_the_waiting_deliveries_go(
        staff_client, alice, httpserver: HTTPServer, settings_private_ok, run_tasks):
    httpserver.expect_request("/back").respond_with_data("ok")
    profile = make_profile(alice.account, url=httpserver.url_for("/back"))
    open_circuit(profile)
    delivery = delivery_create(profile=profile, event="SMS-sent", variables=VALUES,
                               source_type="sms_message", source_id="m-1")

    run_tasks()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING and delivery.attempt_count == 0
    assert len(httpserver.log) == 0

    response = staff_client.post(CHANGELIST, {
        "action": "close_circuit", "_selected_action": [profile.pk]}, follow=True)
    assert "Closed 1 circuit(s): their deliveries are sent again now." in \
        response.content.decode()
    state = EndpointState.objects.get(profile=profile)
    assert (state.circuit, state.consecutive_failures, state.reopen_at) == \
        (CircuitState.CLOSED, 0, None)

    run_tasks()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED and delivery.attempt_count == 1
    assert len(httpserver.log) == 1


def test_closing_an_already_closed_circuit_says_so(staff_client, alice):
    profile = make_profile(alice.account)
    EndpointState.objects.create(profile=profile, circuit=CircuitState.CLOSED,
                                 consecutive_failures=2)
    response = staff_client.post(CHANGELIST, {
        "action": "close_circuit", "_selected_action": [profile.pk]}, follow=True)
    assert "Those circuits were already closed." in response.content.decode()
    assert EndpointState.objects.get(profile=profile).consecutive_failures == 2


def test_staff_without_permission_cannot_see_or_close(client, alice):
    profile = make_profile(alice.account)
    open_circuit(profile)
    user = get_user_model().objects.create_user("staff@example.com", "staff@example.com", "pw",
                                                is_staff=True)
    client.force_login(user)
    assert client.get(CHANGELIST).status_code == 403
    client.post(CHANGELIST, {"action": "close_circuit", "_selected_action": [profile.pk]})
    assert EndpointState.objects.get(profile=profile).circuit == CircuitState.OPEN


def test_customers_are_sent_to_the_admin_login(client, alice):
    client.force_login(alice.user)
    response = client.get(CHANGELIST)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert Delivery.objects.count() == 0
