"""`bin/worker` never loses a loop to the database: its background-tasks loop (delayed Auto
Replies) keeps running through an outage and starts once a database that was down at start-up
appears. The worker reaches PostgreSQL through a local TCP proxy the test stops and starts
(tests/support/tcp_proxy.py): stopped, it refuses connections and cuts the open ones."""

from __future__ import annotations

import pytest

from tests.support.deployment import POSTGRES_SERVER, ScratchDeployment, postgres_available
from tests.support.tcp_proxy import TcpProxy

pytestmark = pytest.mark.skipif(not postgres_available(),
                                reason="PostgreSQL at 127.0.0.1:5432 is unreachable")

OUTAGE_SECONDS = 10
REPLY = "Back soon"
# A delayed Auto Reply, as a Receive Message configuration schedules it, due in DUE seconds.
ENQUEUE = """
from datetime import timedelta
from django.utils import timezone
from accounts.services import account_create
from receive_sms.services import incoming_sms_receive, vmn_provision
from receive_sms.tasks import send_delayed_auto_reply
account = account_create(name="Outage", email="outage@example.com", password="x" * 20).account
vmn = vmn_provision(account=account, number="+919870012345")
incoming = incoming_sms_receive(to=vmn.number, source="+919812345678", message="HI")
send_delayed_auto_reply.using(run_after=timezone.now() + timedelta(seconds=DUE)).enqueue(
    incoming.pk, "REPLY", False)
"""


def enqueue_delayed_reply(scratch: ScratchDeployment, *, due: float) -> None:
    scratch.manage("shell", "-c", ENQUEUE.replace("DUE", str(due)).replace("REPLY", REPLY))


def replies_sent(scratch: ScratchDeployment) -> int:
    return scratch.query(f"SELECT COUNT(*) FROM sms_message WHERE body = '{REPLY}'")[0][0]


def proxied_url(scratch: ScratchDeployment, proxy: TcpProxy) -> dict[str, str]:
    server = POSTGRES_SERVER.rsplit(":", 1)[0]
    return {"DATABASE_URL": f"{server}:{proxy.port}/{scratch.db_name}"}


def test_delayed_tasks_still_run_after_the_database_vanished_and_came_back(tmp_path):
    with ScratchDeployment(tmp_path, database="postgres") as scratch, TcpProxy(5432) as proxy:
        scratch.start_worker(env=proxied_url(scratch, proxy))
        assert scratch.wait_for_workers(1), scratch.logs()
        enqueue_delayed_reply(scratch, due=OUTAGE_SECONDS / 2)  # falls due during the outage

        proxy.stop()
        assert scratch.wait_until(lambda: "Background tasks stopped" in scratch.logs(),
                                  timeout=60), scratch.logs()  # the loop felt the outage
        scratch.wait_until(lambda: False, timeout=OUTAGE_SECONDS)
        proxy.start()

        assert scratch.wait_until(lambda: replies_sent(scratch) == 1, timeout=120), \
            scratch.logs()


def test_a_worker_started_while_the_database_is_down_starts_working_when_it_appears(tmp_path):
    with ScratchDeployment(tmp_path, database="postgres") as scratch:
        proxy = TcpProxy(5432)  # not started: the database is unreachable
        scratch.start_worker(env=proxied_url(scratch, proxy))
        assert scratch.wait_until(lambda: "Background tasks stopped" in scratch.logs()
                                  and "Database error in the worker loop" in scratch.logs(),
                                  timeout=60), scratch.logs()
        enqueue_delayed_reply(scratch, due=0)

        with proxy:
            assert scratch.wait_until(lambda: replies_sent(scratch) == 1, timeout=120), \
                scratch.logs()
            running = {"background-tasks": "running", "delivery-listener": "running"}
            assert scratch.wait_until(  # what /readyz reads: every loop running again
                lambda: scratch.query("SELECT loops FROM delivery_workerheartbeat") == [(running,)],
                timeout=60), scratch.query("SELECT loops FROM delivery_workerheartbeat")
