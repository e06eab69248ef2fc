"""The `total` variable (the account's units that UTC day, the message itself included) stays
right while processes send for one account at once, on SQLite and PostgreSQL. (The UTC-midnight
rollover under any TIME_ZONE: tests/test_time_zone_independence.py.)"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.support.deployment import PROJECT_DIR, ScratchDeployment, postgres_available

PROCESSES = 4
REQUESTS_EACH = 15

# Each process waits for the go file, then sends its requests through the send service: two
# recipients and a two-unit text (161 GSM-7 characters), so 4 units a request.
SENDER = """
import os, time
from accounts.models import Account
from sms.services import message_send
account = Account.objects.get(sid={sid!r})
while not os.path.exists({go!r}):
    time.sleep(0.01)
for _ in range({count}):
    message_send(account=account, to="+919876543210,+919876543211", body="x" * 161)
"""


@pytest.mark.parametrize("database", ["sqlite", pytest.param("postgres", marks=pytest.mark.skipif(
    not postgres_available(), reason="PostgreSQL at 127.0.0.1:5432 is unreachable"))])
def test_racing_senders_of_one_account_get_consecutive_totals(tmp_path, database):
    with ScratchDeployment(tmp_path, database=database) as scratch:
        sid = json.loads(scratch.manage("create_account", "--name", "Race", "--email",
                                        "race@example.com", "--password", "x" * 20))["sid"]
        go = tmp_path / "go"
        code = SENDER.format(sid=sid, go=str(go), count=REQUESTS_EACH)
        senders = [subprocess.Popen([sys.executable, "manage.py", "shell", "-c", code],
                                    cwd=PROJECT_DIR, env=scratch.env, stderr=subprocess.PIPE)
                   for _ in range(PROCESSES)]
        go.touch()
        failures = [p.communicate(timeout=180)[1] for p in senders if p.wait(timeout=180)]
        assert not failures, failures[0][-2000:]

        rows = scratch.query("SELECT request_id, position, total FROM sms_message")
        counted = scratch.query("SELECT units FROM sms_dailyunits")

    messages = PROCESSES * REQUESTS_EACH * 2
    # Every message got its own slot in the day's count: 2, 4, 6, … with no repeat or gap.
    assert sorted(total for _, _, total in rows) == list(range(2, messages * 2 + 1, 2))
    assert counted == [(messages * 2,)]
    by_request: dict[str, dict[int, int]] = {}
    for request_id, position, total in rows:
        by_request.setdefault(request_id, {})[position] = total
    # One request's recipients take consecutive slots.
    assert all(totals[2] == totals[1] + 2 for totals in by_request.values())
