"""Real `bin/worker` processes (`manage.py run_worker`) against their own database: scale-out,
SIGKILL and restart, SIGTERM drain, a rate limit shared by two workers, SMS settlement that
survives kills. PostgreSQL cases are skipped when no server is at 127.0.0.1:5432."""

from __future__ import annotations

import time

import pytest

from tests.support.deployment import Receiver, ScratchDeployment, postgres_available

needs_postgres = pytest.mark.skipif(not postgres_available(),
                                    reason="PostgreSQL at 127.0.0.1:5432 is unreachable")
BOTH_DATABASES = pytest.mark.parametrize(
    "database", ["sqlite", pytest.param("postgres", marks=needs_postgres)])


@needs_postgres
def test_two_workers_on_postgresql_deliver_each_callback_exactly_once(tmp_path):
    with Receiver() as receiver, ScratchDeployment(tmp_path, database="postgres") as scratch:
        scratch.start_worker()
        scratch.start_worker()
        scratch.manage("delivery_loadgen", "--url", receiver.url, "--count", "1000")

        assert scratch.wait_until(lambda: scratch.statuses() == {"succeeded": 1000},
                                  timeout=180), (scratch.statuses(), scratch.logs())
        counts = receiver.snapshot()
        assert set(counts) == scratch.webhook_ids()
        assert set(counts.values()) == {1}  # each callback received exactly once
        assert scratch.attempts() == 1000


@BOTH_DATABASES
def test_sigkill_mid_batch_then_restart_delivers_every_callback(tmp_path, database):
    env = {"DELIVERY_WORKER_STALE_SECONDS": "2"}
    with Receiver(delay=0.3) as receiver, \
            ScratchDeployment(tmp_path, database=database, env=env) as scratch:
        first = scratch.start_worker()
        scratch.manage("delivery_loadgen", "--url", receiver.url, "--count", "300")
        assert scratch.wait_until(lambda: receiver.distinct >= 20, timeout=60)
        scratch.kill_worker(first)  # attempts in flight, others claimed and waiting
        assert scratch.statuses().get("sending", 0) > 0

        scratch.start_worker()

        assert scratch.wait_until(lambda: scratch.statuses() == {"succeeded": 300},
                                  timeout=180), (scratch.statuses(), scratch.logs())
        assert set(receiver.snapshot()) == scratch.webhook_ids()  # nothing lost


def test_sigterm_lets_attempts_in_flight_finish_and_gives_the_rest_back(tmp_path):
    with Receiver(delay=1.5) as receiver, ScratchDeployment(tmp_path) as scratch:
        worker = scratch.start_worker()
        scratch.manage("delivery_loadgen", "--url", receiver.url, "--count", "10")
        assert scratch.wait_until(lambda: receiver.open_now > 0, timeout=60)

        exit_code = scratch.stop_worker(worker)  # while the receiver holds its replies

        assert exit_code == 0
        statuses = scratch.statuses()
        assert "sending" not in statuses  # nothing left claimed by a stopped worker
        assert statuses.get("succeeded", 0) == len(receiver.snapshot()) > 0
        assert sum(statuses.values()) == 10
        assert scratch.query("SELECT COUNT(*) FROM delivery_workerheartbeat")[0][0] == 0


def test_a_rate_limit_holds_across_two_workers(tmp_path):
    with Receiver() as receiver, ScratchDeployment(tmp_path) as scratch:
        scratch.manage("delivery_loadgen", "--url", receiver.url, "--count", "40")
        scratch.manage("shell", "-c", "from profiles.models import CallbackProfile as P; "
                       "P.objects.update(rate_limit=10, rate_limit_period='second')")
        scratch.start_worker()
        scratch.start_worker()

        assert scratch.wait_until(lambda: scratch.statuses() == {"succeeded": 40},
                                  timeout=120), (scratch.statuses(), scratch.logs())
        windows = [count for (count,) in scratch.query(
            "SELECT count FROM delivery_ratelimitwindow")]
        # Every request was counted, never more than 10 in one second, so 40 took 4+ seconds.
        assert sum(windows) == 40 and max(windows) <= 10 and len(windows) >= 4
        assert len(receiver.bodies) == 40


SEND_100 = """
from accounts.services import account_create
from profiles.services import profile_create
from profiles.validation import ProfileInput
from sms.services import message_send
account = account_create(name="Kill test", email="kill@example.invalid", password="x" * 20).account
profile = profile_create(account=account, data=ProfileInput(
    title="DLR", channel="sms", http_method="POST", url="{url}",
    body={{"id": "<message_id>", "status": "<status>"}}))
numbers = ",".join(f"+9198765{{n:05d}}" for n in range(100))
message_send(account=account, to=numbers, body="hello", callback_profile_id=profile.profile_id)
"""


@BOTH_DATABASES
def test_sms_settlement_survives_workers_killed_at_any_moment(tmp_path, database):
    env = {"SMS_DLR_DELAY_SECONDS": "0", "DELIVERY_WORKER_STALE_SECONDS": "2"}
    with Receiver() as receiver, \
            ScratchDeployment(tmp_path, database=database, env=env) as scratch:
        scratch.manage("shell", "-c", SEND_100.format(url=receiver.url))
        for pause in (1.2, 1.5, 1.8):  # killed during start-up, settlement or sending
            worker = scratch.start_worker()
            time.sleep(pause)
            scratch.kill_worker(worker)
        scratch.start_worker()

        def settled() -> bool:
            rows = scratch.query("SELECT COUNT(*) FROM sms_message WHERE settled_at IS NULL")
            return rows[0][0] == 0 and scratch.statuses() == {"succeeded": 100}

        assert scratch.wait_until(settled, timeout=120), (scratch.statuses(), scratch.logs())
        # One delivery report per message: settled exactly once, whatever was killed.
        per_message = scratch.query(
            "SELECT source_id, COUNT(*) FROM delivery_delivery GROUP BY source_id")
        assert len(per_message) == 100 and {n for _, n in per_message} == {1}
        # (A worker killed mid-request leaves a partial body at the receiver: not counted.)
        received = set(receiver.arrival_by_body_field("id"))
        assert received == {source_id for source_id, _ in per_message}
