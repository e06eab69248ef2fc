"""`manage.py delivery_status`: the operator's view of the queue, the workers, what is in
flight per endpoint and which circuits are open (as text, or one JSON object with --json)."""

from __future__ import annotations

import io
import json
import re
from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from delivery.models import Delivery, WorkerHeartbeat
from delivery.services import delivery_create
from profiles.models import CircuitState, EndpointState
from tests.profiles.page_helpers import make_profile

VALUES = {"message_id": "m-1:1", "status": "DELIVRD", "recipient": "+919876543210"}


def status(*args: str) -> str:
    out = io.StringIO()
    call_command("delivery_status", *args, stdout=out)
    return out.getvalue()


def queue(profile, *, due_in: timedelta) -> Delivery:
    delivery = delivery_create(profile=profile, event="SMS-sent", variables=VALUES,
                               source_type="sms_message", source_id="m-1")
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now() + due_in)
    return delivery


def heartbeat(worker_id: str, *, seen_ago: timedelta, endpoints: dict, pid: int = 4242,
              stopping: bool = False) -> WorkerHeartbeat:
    now = timezone.now()
    return WorkerHeartbeat.objects.create(
        worker_id=worker_id, hostname="app-1", pid=pid, started_at=now - timedelta(hours=1),
        last_seen_at=now - seen_ago, in_flight=sum(endpoints.values()), endpoints=endpoints,
        stopping=stopping,
    )


def test_idle_system(db):
    text = status()
    assert "Queue: 0 due deliveries (nothing waiting); 0 attempts in flight" in text
    assert "Workers: 0 live" in text and "none: start one with bin/worker" in text
    assert "nothing in flight" in text
    assert "Open circuits: 0" in text
    data = json.loads(status("--json"))
    assert data["queue"] == {"depth": 0, "oldest_due_age_seconds": None, "in_flight": 0}
    assert data["workers"] == [] and data["in_flight_by_endpoint"] == []
    assert data["open_circuits"] == [] and data["stale_workers"] == 0


def test_busy_system_as_json(alice, charlie):
    reports = make_profile(alice.account, "Reports")
    hooks = make_profile(charlie.account, "Hooks")
    queue(reports, due_in=-timedelta(minutes=2))
    queue(reports, due_in=-timedelta(seconds=1))
    queue(hooks, due_in=timedelta(seconds=-5))
    queue(hooks, due_in=timedelta(minutes=5))  # a retry waiting for later: not due
    heartbeat("w-one", seen_ago=timedelta(seconds=1),
              endpoints={str(reports.pk): 3, str(hooks.pk): 1})
    heartbeat("w-two", seen_ago=timedelta(seconds=2), endpoints={str(reports.pk): 2}, pid=4343,
              stopping=True)
    heartbeat("w-dead", seen_ago=timedelta(minutes=10), endpoints={str(hooks.pk): 50})
    reopen = timezone.now() + timedelta(seconds=30)
    EndpointState.objects.create(profile=hooks, circuit=CircuitState.OPEN,
                                 consecutive_failures=6, reopen_at=reopen,
                                 opened_at=timezone.now())
    EndpointState.objects.create(profile=reports, circuit=CircuitState.CLOSED,
                                 consecutive_failures=1)

    data = json.loads(status("--json"))

    assert data["queue"]["depth"] == 3
    assert 120 <= data["queue"]["oldest_due_age_seconds"] < 3600
    assert data["queue"]["in_flight"] == 6
    assert [(w["worker_id"], w["hostname"], w["pid"], w["in_flight"], w["stopping"])
            for w in data["workers"]] == [("w-one", "app-1", 4242, 4, False),
                                          ("w-two", "app-1", 4343, 2, True)]
    assert all(w["last_seen_at"].endswith("Z") for w in data["workers"])
    assert data["stale_workers"] == 1
    assert data["in_flight_by_endpoint"] == [
        {"profile_id": reports.profile_id, "title": "Reports", "account_sid": alice.sid,
         "in_flight": 5},
        {"profile_id": hooks.profile_id, "title": "Hooks", "account_sid": charlie.sid,
         "in_flight": 1},
    ]
    assert data["open_circuits"] == [{
        "profile_id": hooks.profile_id, "title": "Hooks", "account_sid": charlie.sid,
        "state": "open", "consecutive_failures": 6,
        "opened_at": data["open_circuits"][0]["opened_at"],
        "reopen_at": reopen.isoformat().replace("+00:00", "Z"),
    }]


def test_busy_system_as_text(alice):
    reports = make_profile(alice.account, "Reports")
    queue(reports, due_in=-timedelta(seconds=90))
    heartbeat("w-one", seen_ago=timedelta(seconds=1), endpoints={str(reports.pk): 7})
    heartbeat("w-dead", seen_ago=timedelta(hours=1), endpoints={})
    reopen = timezone.now() + timedelta(seconds=45)
    EndpointState.objects.create(profile=reports, circuit=CircuitState.HALF_OPEN,
                                 consecutive_failures=9, reopen_at=reopen)

    text = status()

    found = re.search(r"Queue: 1 due deliveries \(oldest due (\d+\.\d) s ago\); "
                      r"7 attempts in flight", text)
    assert found and float(found.group(1)) >= 90
    assert "Workers: 1 live" in text
    assert re.search(r"^  WORKER\s+HOST\s+PID\s+IN FLIGHT\s+LAST SEEN$", text, re.M)
    assert re.search(r"^  w-one\s+app-1\s+4242\s+7\s+\d+\.\d s ago$", text, re.M)
    assert "(1 stale heartbeat(s): presumed dead)" in text
    assert re.search(rf"^  {reports.profile_id}\s+Reports\s+{alice.sid}\s+7$", text, re.M)
    assert "Open circuits: 1" in text
    assert re.search(rf"^  {reports.profile_id}\s+Reports\s+{alice.sid}\s+half_open\s+9\s+"
                     + re.escape(reopen.strftime("%Y-%m-%d %H:%M:%S UTC")) + "$", text, re.M)


def test_endpoint_of_a_deleted_profile_is_still_counted(alice):
    profile = make_profile(alice.account, "Gone soon")
    heartbeat("w-one", seen_ago=timedelta(seconds=1), endpoints={str(profile.pk): 2})
    profile.delete()
    data = json.loads(status("--json"))
    assert data["in_flight_by_endpoint"] == [
        {"profile_id": "", "title": "(deleted profile)", "account_sid": "", "in_flight": 2}]
