"""/healthz says the process is alive; /readyz checks the database, migrations, a fresh worker
heartbeat and the age of the oldest due delivery, answering 503 with the failing check."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from delivery.models import Delivery, DeliveryStatus, WorkerHeartbeat

from .helpers import clean_env, run_python


def heartbeat(seconds_ago: float) -> WorkerHeartbeat:
    now = timezone.now()
    return WorkerHeartbeat.objects.create(
        worker_id=f"worker-{seconds_ago}", hostname="host-1", pid=4242,
        started_at=now - timedelta(hours=1), last_seen_at=now - timedelta(seconds=seconds_ago),
    )


def test_healthz_answers_without_the_database_or_a_known_host():
    response = Client(HTTP_HOST="10.0.3.7:8000").get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_readyz_is_ok_with_a_fresh_worker_heartbeat():
    heartbeat(seconds_ago=5)

    response = Client(HTTP_HOST="10.0.3.7:8000").get("/readyz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "migrations", "worker", "queue"}
    assert all(check["ok"] for check in body["checks"].values())


@pytest.mark.django_db
def test_readyz_is_503_when_the_worker_heartbeat_is_stale(settings):
    settings.READYZ_HEARTBEAT_MAX_AGE_SECONDS = 60
    heartbeat(seconds_ago=90)

    response = Client().get("/readyz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["worker"]["ok"] is False
    assert "last worker heartbeat 90 s ago (limit 60 s)" in body["checks"]["worker"]["detail"]
    assert body["checks"]["database"]["ok"] is True


@pytest.mark.django_db
def test_readyz_is_503_when_no_worker_ever_reported():
    response = Client().get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"]["worker"]["detail"] == "no delivery worker has reported"


def test_readyz_is_503_when_the_oldest_due_delivery_waits_too_long(alice, settings):
    settings.READYZ_MAX_QUEUE_AGE_SECONDS = 300
    heartbeat(seconds_ago=1)
    Delivery.objects.create(
        account=alice.account, event="SMS-sent", webhook_id="msg_1", request_method="POST",
        request_url="https://example.com/", status=DeliveryStatus.PENDING,
        next_attempt_at=timezone.now() - timedelta(minutes=10),
    )

    response = Client().get("/readyz")

    assert response.status_code == 503
    queue = response.json()["checks"]["queue"]
    assert queue["ok"] is False
    assert "oldest due delivery waiting" in queue["detail"] and "1 due" in queue["detail"]


@pytest.mark.django_db
def test_health_endpoints_only_answer_get():
    assert Client().post("/healthz").status_code == 405
    assert Client().post("/readyz").status_code == 405


def test_readyz_is_503_when_the_database_is_unreachable():
    code = ("import django, json; django.setup(); from django.test import Client; "
            "r = Client().get('/readyz'); print(r.status_code, json.dumps(r.json())); "
            "h = Client().get('/healthz'); print(h.status_code)")
    env = clean_env(DEBUG="true", DATABASE_URL="postgres://nobody@127.0.0.1:1/nothing")

    result = run_python(code, env)

    assert result.returncode == 0, result.stderr
    readyz, healthz = result.stdout.strip().splitlines()
    status, body = readyz.split(" ", 1)
    assert status == "503"
    assert json.loads(body)["checks"]["database"]["ok"] is False
    assert json.loads(body)["checks"]["database"]["detail"].startswith("unreachable")
    assert healthz == "200"  # alive, just not ready


@pytest.mark.django_db
def test_readyz_is_503_when_a_worker_loop_stopped():
    beat = heartbeat(seconds_ago=5)
    beat.loops = {"background-tasks": "stopped", "delivery-listener": "running"}
    beat.save()

    response = Client(HTTP_HOST="10.0.3.7:8000").get("/readyz")

    assert response.status_code == 503
    check = response.json()["checks"]["worker"]
    assert not check["ok"]
    assert check["detail"] == f"a worker loop stopped ({beat.worker_id}: background-tasks)"
