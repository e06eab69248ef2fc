"""Work committed by another process wakes `bin/worker` at once on both databases (PostgreSQL
NOTIFY; SQLite a datagram to the worker's local socket): with the fallback poll set to an
hour, an SMS sent from another process is still settled and its delivery report arrives."""

from __future__ import annotations

import json

import pytest

from tests.support.deployment import Receiver, ScratchDeployment, postgres_available

SEND = """
from accounts.models import Account
from profiles.services import profile_create
from profiles.validation import ProfileInput
from sms.services import message_send
account = Account.objects.get(sid={sid!r})
profile = profile_create(account=account, data=ProfileInput(
    title="Reports", channel="sms", http_method="POST", url={url!r},
    body={{"id": "<message_id>", "status": "<status>"}}))
result = message_send(account=account, to="+919876543210", body="hi",
                      callback_profile_id=profile.profile_id)
print(result.messages[0].message_id)
"""


@pytest.mark.parametrize("database", ["sqlite", pytest.param("postgres", marks=pytest.mark.skipif(
    not postgres_available(), reason="PostgreSQL at 127.0.0.1:5432 is unreachable"))])
def test_an_sms_sent_by_another_process_wakes_the_worker(tmp_path, database):
    env = {"DELIVERY_POLL_INTERVAL": "3600", "SMS_DLR_DELAY_SECONDS": "0"}
    with Receiver() as receiver, \
            ScratchDeployment(tmp_path, database=database, env=env) as scratch:
        sid = json.loads(scratch.manage("create_account", "--name", "Wake", "--email",
                                        "wake@example.com", "--password", "x" * 20))["sid"]
        scratch.start_worker()
        assert scratch.wait_for_workers(1), scratch.logs()
        # Its first round is done (the heartbeat): it now sleeps until woken, or for an hour.

        message_id = scratch.manage("shell", "-c", SEND.format(sid=sid, url=receiver.url))

        assert scratch.wait_until(lambda: receiver.distinct == 1, timeout=120), scratch.logs()
        assert json.loads(receiver.bodies[0])["id"] == message_id.split()[-1]
