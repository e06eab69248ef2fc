"""/metrics: Prometheus text for deliveries by status and event, attempt latency, queue depth,
oldest due age, open circuits, SMS accepted/settled, inbound received and Test calls; counted
end to end, summed across processes, and not public."""

from __future__ import annotations

import json
import logging
import re
from datetime import timedelta

from django.test import Client
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families
from pytest_httpserver import HTTPServer

from delivery.metrics import observe_attempt
from delivery.models import Delivery, DeliveryStatus
from delivery.services import delivery_create
from profiles.services import profile_create
from profiles.validation import ProfileInput
from receive_sms.services import incoming_sms_receive, vmn_provision

from .helpers import clean_env, run_python


def scrape(client: Client | None = None, **headers) -> dict[tuple[str, frozenset], float]:
    response = (client or Client()).get("/metrics", **headers)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def value(samples, name: str, **labels) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def test_a_delivery_counts_end_to_end(alice, httpserver: HTTPServer, settings, run_tasks,
                                      django_capture_on_commit_callbacks):
    settings.CALLBACK_ALLOW_PRIVATE_NETWORKS = True
    settings.SMS_DLR_DELAY_SECONDS = 0
    httpserver.expect_request("/dlr").respond_with_data("ok")
    profile = profile_create(account=alice.account, data=ProfileInput(
        title="Reports", channel="sms", http_method="POST", url=httpserver.url_for("/dlr"),
        body=None))
    before = scrape()

    with django_capture_on_commit_callbacks(execute=True):
        response = alice.api().post(f"/v1/{alice.sid}/messages", {
            "to": "+919876543210", "body": "hello", "type": "OTP",
            "callback_profile_id": profile.profile_id}, format="json")
    assert response.status_code == 202
    queued = scrape()
    run_tasks()
    after = scrape()

    assert len(httpserver.log) == 1
    assert value(queued, "sms_accepted_total", type="OTP") == \
        value(before, "sms_accepted_total", type="OTP") + 1
    assert value(after, "sms_settled_total", status="Delivered") == \
        value(before, "sms_settled_total", status="Delivered") + 1
    assert value(after, "callback_deliveries_last_24h", status="succeeded", event="SMS-sent") == 1
    assert value(after, "callback_deliveries_last_24h", status="pending", event="SMS-sent") == 0
    assert value(after, "callback_delivery_queue_depth") == 0


def test_queue_gauges_come_from_the_database(alice):
    Delivery.objects.create(
        account=alice.account, event="SMS-sent", webhook_id="msg_1", request_method="POST",
        request_url="https://example.com/", status=DeliveryStatus.PENDING,
        next_attempt_at=timezone.now() - timedelta(seconds=120),
    )

    old = Delivery.objects.create(
        account=alice.account, event="SMS-sent", webhook_id="msg_2", request_method="POST",
        request_url="https://example.com/", status=DeliveryStatus.SUCCEEDED)
    Delivery.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=25))

    samples = scrape()

    assert value(samples, "callback_deliveries_last_24h", status="succeeded",
                 event="SMS-sent") == 0
    assert value(samples, "callback_delivery_queue_depth") == 1
    assert value(samples, "callback_delivery_oldest_due_age_seconds") >= 120
    assert value(samples, "callback_deliveries_last_24h", status="pending", event="SMS-sent") == 1
    assert ("callback_delivery_open_circuits", frozenset()) in samples
    assert ("callback_delivery_workers", frozenset()) in samples


def test_attempts_latency_inbound_and_test_calls_are_counted(alice, httpserver: HTTPServer,
                                                             settings):
    settings.CALLBACK_ALLOW_PRIVATE_NETWORKS = True
    httpserver.expect_request("/t").respond_with_data("ok")
    profile = profile_create(account=alice.account, data=ProfileInput(
        title="Reports", channel="default", http_method="POST", url=httpserver.url_for("/t"),
        body=None))
    vmn = vmn_provision(account=alice.account, number="+919870012345")
    before = scrape()

    observe_attempt(event="SMS-sent", outcome="failed", latency_seconds=0.2)
    assert alice.api().post(
        f"/v1/{alice.sid}/callback/profiles/{profile.profile_id}/test").status_code == 200
    incoming_sms_receive(to=vmn.number, source="+919812345678", message="HELLO")

    after = scrape()
    assert value(after, "callback_delivery_attempts_total", event="SMS-sent", outcome="failed") \
        == value(before, "callback_delivery_attempts_total", event="SMS-sent",
                 outcome="failed") + 1
    assert value(after, "callback_delivery_attempt_latency_seconds_count", event="SMS-sent") \
        == value(before, "callback_delivery_attempt_latency_seconds_count",
                 event="SMS-sent") + 1
    assert value(after, "callback_delivery_attempt_latency_seconds_bucket", event="SMS-sent",
                 le="0.25") >= 1
    assert value(after, "callback_test_calls_total", outcome="succeeded") == \
        value(before, "callback_test_calls_total", outcome="succeeded") + 1
    assert value(after, "sms_inbound_received_total", matched="false") == \
        value(before, "sms_inbound_received_total", matched="false") + 1


def test_metrics_are_not_public(db, settings):
    settings.METRICS_ALLOWED_IPS = ["10.0.0.0/8"]
    settings.METRICS_TOKEN = "scrape-token-123"

    refused = Client().get("/metrics")
    assert refused.status_code == 403
    assert "METRICS_TOKEN" in refused.json()["error"]
    assert Client().get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403

    assert Client().get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-token-123").status_code \
        == 200
    assert Client(REMOTE_ADDR="10.1.2.3").get("/metrics").status_code == 200


def test_counters_from_several_processes_add_up(tmp_path):
    """The web and worker processes each write their counts; the scrape sums them."""
    env = clean_env(DEBUG="true", PROMETHEUS_MULTIPROC_DIR=str(tmp_path))
    count_one = ("import django; django.setup(); from delivery.metrics import observe_attempt; "
                 "observe_attempt(event='SMS-sent', outcome='succeeded', latency_seconds=0.05)")
    for _ in range(2):  # two separate processes
        assert run_python(count_one, env).returncode == 0

    result = run_python("import django, json; django.setup(); "
                        "from ops.metrics import process_metrics; "
                        "print(json.dumps(process_metrics().decode()))", env)

    assert result.returncode == 0, result.stderr
    text = json.loads(result.stdout)
    assert 'callback_delivery_attempts_total{event="SMS-sent",outcome="succeeded"} 2.0' in text


def test_an_attempt_is_counted_timed_and_logged_by_the_engine(alice, httpserver: HTTPServer,
                                                              settings, run_tasks, caplog):
    settings.CALLBACK_ALLOW_PRIVATE_NETWORKS = True
    httpserver.expect_request("/dlr").respond_with_data("ok")
    profile = profile_create(account=alice.account, data=ProfileInput(
        title="Reports", channel="sms", http_method="POST", url=httpserver.url_for("/dlr"),
        body=None))
    before = scrape()

    with caplog.at_level(logging.INFO, logger="delivery.attempts"):
        delivery = delivery_create(profile=profile, event="SMS-sent", variables={"status": "ok"},
                                   source_type="sms_message", source_id="m-1")
        run_tasks()

    after = scrape()
    assert value(after, "callback_delivery_attempts_total", event="SMS-sent",
                 outcome="succeeded") == value(before, "callback_delivery_attempts_total",
                                               event="SMS-sent", outcome="succeeded") + 1
    assert value(after, "callback_delivery_attempt_latency_seconds_count", event="SMS-sent") \
        == value(before, "callback_delivery_attempt_latency_seconds_count",
                 event="SMS-sent") + 1
    assert any(f"delivery={delivery.pk}" in r.getMessage()
               and re.search(r"status(_code)?=200", r.getMessage()) for r in caplog.records)
