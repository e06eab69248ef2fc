"""The endpoint's circuit breaker as customers see it: a badge on the profile page while the
endpoint is paused, and `circuit` in the profile API (without a query per listed profile)."""

from __future__ import annotations

import re
from datetime import UTC, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_httpserver import HTTPServer

from delivery.services import delivery_create
from profiles.models import CircuitState, EndpointState
from tests.profiles.page_helpers import make_profile

SMS_VALUES = {"message_id": "m-1:1", "status": "DELIVRD", "recipient": "+919876543210"}


def page(profile) -> str:
    return f"/account/callback-profiles/{profile.profile_id}/"


def api(actor, suffix=""):
    return f"/v1/{actor.sid}/callback/profiles{suffix}"


def set_state(profile, **values) -> EndpointState:
    state, _ = EndpointState.objects.update_or_create(profile=profile, defaults=values)
    return state


def clock(moment) -> str:
    return moment.astimezone(UTC).strftime("%H:%M:%S")


def test_failing_endpoint_is_shown_paused_with_its_reopen_time(
        client, alice, httpserver: HTTPServer, settings_private_ok, settings, run_tasks):
    settings.DELIVERY_CIRCUIT_THRESHOLD = 2
    httpserver.expect_request("/down").respond_with_data("overloaded", status=503)
    profile = make_profile(alice.account, url=httpserver.url_for("/down"))
    for index in range(3):
        delivery_create(profile=profile, event="SMS-sent", variables=SMS_VALUES,
                        source_type="sms_message", source_id=f"m-{index}")
    run_tasks()

    state = EndpointState.objects.get(profile=profile)
    assert state.circuit == CircuitState.OPEN
    client.force_login(alice.user)
    html = client.get(page(profile)).content.decode()
    badge = re.search(r'<span class="badge tone-warn" id="circuit-badge">([^<]*)</span>', html)
    assert badge, "no paused badge"
    assert badge.group(1) == (f"Endpoint paused until {clock(state.reopen_at)} UTC after "
                              f"{state.consecutive_failures} consecutive failures")
    assert "keep their retries" in html

    data = alice.api().get(api(alice, f"/{profile.profile_id}")).json()["data"]
    assert data["circuit"]["state"] == "open"
    assert data["circuit"]["consecutive_failures"] == state.consecutive_failures >= 2
    assert data["circuit"]["reopen_at"] == state.reopen_at.isoformat().replace("+00:00", "Z")


def test_half_open_endpoint_says_a_probe_is_checking_it(client, alice):
    profile = make_profile(alice.account)
    set_state(profile, circuit=CircuitState.HALF_OPEN, consecutive_failures=7,
              reopen_at=timezone.now() + timedelta(seconds=90))
    client.force_login(alice.user)
    html = client.get(page(profile)).content.decode()
    assert ("Endpoint paused after 7 consecutive failures: one delivery is checking whether "
            "it answers again") in html
    data = alice.api().get(api(alice, f"/{profile.profile_id}")).json()["data"]
    assert data["circuit"]["state"] == "half_open"


def test_healthy_endpoint_shows_nothing_alarming(client, alice, settings):
    settings.DELIVERY_CIRCUIT_THRESHOLD = 5
    fresh = make_profile(alice.account, "Fresh")
    wobbly = make_profile(alice.account, "Wobbly")
    set_state(wobbly, circuit=CircuitState.CLOSED, consecutive_failures=2)
    client.force_login(alice.user)

    html = client.get(page(fresh)).content.decode()
    assert 'id="circuit-notice"' not in html and "Endpoint paused" not in html
    assert re.search(r'id="endpoint-health">Not paused: no recent failures</dd>', html)

    html = client.get(page(wobbly)).content.decode()
    assert 'id="circuit-notice"' not in html
    assert ("Not paused: 2 consecutive failures so far (the endpoint is paused for a cool-off "
            "after 5)") in html

    data = alice.api().get(api(alice, f"/{fresh.profile_id}")).json()["data"]
    assert data["circuit"] == {"state": "closed", "consecutive_failures": 0, "opened_at": None,
                               "reopen_at": None}


def test_list_api_shows_each_circuit_in_a_fixed_number_of_queries(alice):
    client = alice.api()
    first = make_profile(alice.account, "First")
    client.get(api(alice))  # the key's first use of the day is recorded once
    with CaptureQueriesContext(connection) as one_profile:
        assert client.get(api(alice)).status_code == 200

    now = timezone.now()
    for index in range(4):
        extra = make_profile(alice.account, f"Extra {index}")
        set_state(extra, circuit=CircuitState.OPEN, consecutive_failures=5 + index,
                  opened_at=now, reopen_at=now + timedelta(seconds=30))
    with CaptureQueriesContext(connection) as five_profiles:
        response = client.get(api(alice))
    assert len(five_profiles.captured_queries) == len(one_profile.captured_queries)

    circuits = {row["title"]: row["circuit"] for row in response.json()["data"]["results"]}
    assert circuits[first.title]["state"] == "closed"
    assert circuits["Extra 3"]["state"] == "open"
    assert circuits["Extra 3"]["consecutive_failures"] == 8


@pytest.mark.parametrize("suffix", ["", "edit/"])
def test_stranger_gets_404_for_the_profile_page(client, alice, charlie, suffix):
    profile = make_profile(alice.account)
    set_state(profile, circuit=CircuitState.OPEN, consecutive_failures=5,
              reopen_at=timezone.now() + timedelta(seconds=30))
    client.force_login(charlie.user)
    assert client.get(page(profile) + suffix).status_code == 404
    assert charlie.api().get(api(charlie, f"/{profile.profile_id}")).status_code == 404


def test_teammate_sees_the_paused_badge(client, alice, bob):
    profile = make_profile(alice.account)
    set_state(profile, circuit=CircuitState.OPEN, consecutive_failures=1,
              reopen_at=timezone.now() + timedelta(seconds=30))
    client.force_login(bob.user)
    html = client.get(page(profile)).content.decode()
    assert "after 1 consecutive failure</span>" in html


def test_list_page_marks_paused_endpoints_in_a_fixed_number_of_queries(client, alice):
    client.force_login(alice.user)
    make_profile(alice.account, "Healthy")
    client.get("/account/callback-profiles/")
    with CaptureQueriesContext(connection) as one_profile:
        html = client.get("/account/callback-profiles/").content.decode()
    assert "Endpoint paused" not in html

    for index in range(3):
        paused = make_profile(alice.account, f"Paused {index}")
        set_state(paused, circuit=CircuitState.OPEN, consecutive_failures=5,
                  reopen_at=timezone.now() + timedelta(seconds=30))
    with CaptureQueriesContext(connection) as four_profiles:
        html = client.get("/account/callback-profiles/").content.decode()
    assert html.count('class="badge tone-warn endpoint-paused"') == 3
    assert len(four_profiles.captured_queries) == len(one_profile.captured_queries)
