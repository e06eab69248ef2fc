"""A real SMSC (tests/carrier/smsc.js) and real `bin/worker` processes holding SMPP binds to
it, with their own database; callbacks go to a local Receiver."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from sms.smpp import routing
from tests.carrier.scripts import SEND, SETUP, VMN
from tests.carrier.smsc import Smsc, smsc_available
from tests.support.deployment import Receiver, ScratchDeployment


@dataclass
class Template:
    """A migrated SQLite database with the SETUP account, copied for each deployment (so a
    test does not pay for migrations), and the secrets it was written with."""

    path: Path
    env: dict[str, str]
    account: dict
    receiver: Receiver


class CarrierDeployment:
    """A scratch deployment whose SMS_CARRIER_URL is the test SMSC. On SQLite it starts from
    the template; on PostgreSQL it migrates and runs SETUP."""

    def __init__(self, tmp_path, smsc: Smsc, template: Template, *, database: str = "sqlite",
                 env: dict[str, str] | None = None, **url_options: object) -> None:
        self.smsc, self.template, self.receiver = smsc, template, template.receiver
        env = {**template.env, "SMS_CARRIER_URL": smsc.url(**url_options),
               "SMS_DLR_DELAY_SECONDS": "0", "DELIVERY_WORKER_STALE_SECONDS": "2",
               **(env or {})}
        self.scratch = ScratchDeployment(tmp_path, database=database, env=env)
        self.account: dict = template.account

    def __enter__(self) -> CarrierDeployment:
        if self.scratch.database == "sqlite":
            shutil.copyfile(self.template.path, self.scratch.db_name)
        else:
            self.scratch.__enter__()
            self.account = self.shell(SETUP.format(url=self.receiver.url, vmn=VMN))
        return self

    def __exit__(self, *exc: object) -> None:
        self.scratch.__exit__(*exc)

    def shell(self, script: str):
        """Run `script` in `manage.py shell`; the JSON of its last printed line."""
        return json.loads(self.scratch.manage("shell", "-c", script).strip().splitlines()[-1])

    def send(self, to: str, body: str, sender: str = "KLRHXA") -> list[str]:
        return self.shell(SEND.format(to=to, body=body, sender=sender, **self.account))

    def message(self, message_id: str) -> dict:
        columns = ("status", "status_trace", "carrier_message_id", "smsc_error",
                   "submit_state", "settled_at")
        row = self.scratch.query(f"SELECT {', '.join(columns)} FROM sms_message "
                                 f"WHERE message_id = '{message_id}'")[0]
        return dict(zip(columns, row, strict=True))

    def wait_message(self, message_id: str, timeout: float = 30, **expected: object) -> dict:
        def matches() -> bool:
            found = self.message(message_id)
            return all(found[k] == v for k, v in expected.items())

        assert self.scratch.wait_until(matches, timeout=timeout), (
            self.message(message_id), self.scratch.logs())
        return self.message(message_id)

    def callbacks(self, **where: str) -> list[dict]:
        """Callback bodies received (JSON), those whose fields equal `where`."""
        bodies = [_parsed(body) for body in list(self.receiver.bodies)]
        return [b for b in bodies
                if b is not None and all(b.get(k) == v for k, v in where.items())]

    def wait_callbacks(self, count: int = 1, timeout: float = 30, **where: str) -> list[dict]:
        assert self.scratch.wait_until(lambda: len(self.callbacks(**where)) >= count,
                                       timeout=timeout), self.scratch.logs()
        return self.callbacks(**where)

    def submits(self, number: str, count: int = 1) -> list[dict]:
        """The SMSC's submit events for E.164 `number` (waits for `count`), by part."""
        found = self.smsc.wait_for("submit", count=count, destination_addr=number.lstrip("+"))
        assert found, self.scratch.logs()
        return sorted(found, key=lambda s: s["udh"][0] if s["udh"] else "")


@pytest.fixture(autouse=True)
def fresh_routing():
    """The process's routing table may name carriers a rolled-back test created."""
    yield
    routing.forget()


def _running_smsc():
    reason = smsc_available()
    if reason:
        pytest.skip(reason)
    server = Smsc()
    yield server
    server.close()


@pytest.fixture
def smsc():
    yield from _running_smsc()


@pytest.fixture(scope="session")
def template(tmp_path_factory):
    with Receiver() as callbacks:
        scratch = ScratchDeployment(tmp_path_factory.mktemp("template"))
        with scratch:
            account = json.loads(scratch.manage("shell", "-c", SETUP.format(
                url=callbacks.url, vmn=VMN)).strip().splitlines()[-1])
        secrets = {k: scratch.env[k] for k in ("SECRET_KEY", "FIELD_ENCRYPTION_KEY",
                                               "INBOUND_SMS_TOKEN")}
        yield Template(Path(scratch.db_name), secrets, account, callbacks)


@pytest.fixture(scope="module")
def shared_smsc():
    yield from _running_smsc()


@pytest.fixture(scope="module")
def shared_carrier(tmp_path_factory, shared_smsc, template):
    """One deployment with a worker bound to the SMSC, for the tests of a module (each uses
    its own recipients); the SMSC's behaviour is reset before each test."""
    with CarrierDeployment(tmp_path_factory.mktemp("carrier"), shared_smsc,
                           template) as carrier:
        carrier.scratch.start_worker()
        assert shared_smsc.wait_for("bind", timeout=60), carrier.scratch.logs()
        yield carrier


@pytest.fixture
def carrier(shared_carrier):
    shared_carrier.smsc.command("set", hold=False, throttle=None, errors={}, tps=0,
                                refuse_binds=0)
    return shared_carrier


def _parsed(body: bytes) -> dict | None:
    """A callback body as JSON; None for the partial body of a request whose worker was killed
    mid-send (the receiver keeps what arrived; that callback is retried in full)."""
    try:
        return json.loads(body)
    except ValueError:
        return None
