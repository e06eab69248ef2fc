"""A Python client generated from the live schema (/v1/schema) with openapi-python-client does
everything an API customer does, through the client only: profiles, Receive Message
configurations, an SMS with delivery reports, and the deliveries with a resend.

The generator must print no warning: a warning means an operation or a schema it could not
turn into code (the schema describes something the client cannot send or read).
"""

from __future__ import annotations

import importlib
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import requests

from receive_sms.services import vmn_provision

PACKAGE = "callback_profiles_client"
# No post-generation hooks: formatting the generated code is not what is tested.
CONFIG = f"package_name_override: {PACKAGE}\npost_hooks: []\n"
VMN = "+919870012345"
RECIPIENTS = ["+919876543210", "+14155552671"]


@pytest.fixture
def client_package(live_server, tmp_path):
    """The client package generated from the running server's schema, imported."""
    schema = requests.get(f"{live_server.url}/v1/schema?format=json", timeout=30)
    assert schema.status_code == 200
    (tmp_path / "schema.json").write_bytes(schema.content)
    (tmp_path / "config.yaml").write_text(CONFIG)
    generator = Path(sys.executable).with_name("openapi-python-client")
    run = subprocess.run(
        [str(generator), "generate", "--path", "schema.json", "--config", "config.yaml",
         "--output-path", PACKAGE, "--meta", "none"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    assert "warning" not in output.lower(), output
    sys.path.insert(0, str(tmp_path))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(tmp_path))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


class _api:  # noqa: N801 - reads like the generated package: _api("callback").<operation>
    """The generated operations of one tag, each module imported on first use."""

    def __init__(self, tag: str):
        self.tag = tag

    def __getattr__(self, operation: str):
        return importlib.import_module(f"{PACKAGE}.api.{self.tag}.{operation}")


def _models():
    return importlib.import_module(f"{PACKAGE}.models")


def _data(answer, status: int):
    """The `data` of a success envelope (anything else fails with the error envelope)."""
    assert answer.status_code == status, answer.content
    return answer.parsed.data


def test_a_generated_client_manages_profiles_and_configurations_and_sends_sms(
        client_package, live_server, alice, settings_private_ok, httpserver, run_tasks):
    settings_private_ok.SMS_DLR_DELAY_SECONDS = 0
    httpserver.expect_request("/dlr").respond_with_data("ok")
    m = _models()
    callback = _api("callback")
    client = client_package.AuthenticatedClient(
        base_url=live_server.url, token=alice.api_key, prefix="", auth_header_name="api-key",
        raise_on_unexpected_status=True,
    )
    sid = alice.sid

    # Callback profiles: create, list with filters, get, update, delete.
    created = _data(callback.callback_profiles_create.sync_detailed(sid, client=client, body=(
        m.ProfileInput(
            title="Delivery reports", channel=m.ChannelInputEnum.SMS, events=["SMS-sent"],
            http_method=m.HttpMethodEnum.POST, url=httpserver.url_for("/dlr"),
            body=m.ProfileInputBodyType0.from_dict({"status": "<status>", "id": "<message_id>"}),
            headers=m.ProfileInputHeadersType0.from_dict({"x-api-key": "secret-value"}),
            delivery=m.DeliveryLimits(rate_limit=5,
                                      rate_limit_period=m.RateLimitPeriodEnum.SECOND),
        ))), 201)
    profile_id = created.profile_id
    assert created.channel == m.ProfileOutputChannelEnum.SMS
    assert created.enc is None and created.auth is None and created.delivery.rate_limit == 5

    listed = _data(callback.callback_profiles_list.sync_detailed(
        sid, client=client, title="delivery", http_method=m.CallbackProfilesListHttpMethod.POST,
        status=m.CallbackProfilesListStatus.VALUE_1, created_from=date.today(), limit=10,
        offset=0), 200)
    assert [p.profile_id for p in listed.results] == [profile_id] and listed.count == 1
    assert _data(callback.callback_profiles_list.sync_detailed(
        sid, client=client, title="nothing like it"), 200).count == 0

    fetched = _data(callback.callback_profiles_retrieve.sync_detailed(
        sid, profile_id, client=client), 200)
    assert fetched.title == "Delivery reports" and fetched.headers["x-api-key"] != "secret-value"

    updated = _data(callback.callback_profiles_partial_update.sync_detailed(
        sid, profile_id, client=client,
        body=m.PatchedProfilePatch(title="DLR reports", delivery=None)), 200)
    assert updated.title == "DLR reports" and updated.delivery.rate_limit is None

    # Receive Message configurations: the same five operations.
    vmn_provision(account=alice.account, number=VMN)
    receive = _api("receive_sms")
    configuration = _data(receive.receive_sms_configurations_create.sync_detailed(
        sid, client=client, body=m.ConfigurationInput(
            number=VMN, keyword="JOIN", trigger_url=True,
            trigger_type=m.TriggerTypeEnum.CALLBACK_ID, callback_profile_id=profile_id,
        )), 201)
    assert configuration.keyword == "JOIN" and configuration.expires_at is None
    assert configuration.callback_profile_id == profile_id and configuration.auto_reply is None
    configurations = _data(receive.receive_sms_configurations_list.sync_detailed(
        sid, client=client, number=VMN, limit=5), 200)
    assert [c.id for c in configurations.results] == [configuration.id]
    assert _data(receive.receive_sms_configurations_retrieve.sync_detailed(
        sid, str(configuration.id), client=client), 200).number == VMN
    changed = _data(receive.receive_sms_configurations_partial_update.sync_detailed(
        sid, str(configuration.id), client=client,
        body=m.PatchedConfigurationPatch(keyword="STOP", active=False)), 200)
    assert (changed.keyword, changed.active) == ("STOP", False)
    deleted = _data(receive.receive_sms_configurations_destroy.sync_detailed(
        sid, str(configuration.id), client=client), 200)
    assert deleted.id == configuration.id
    assert _data(receive.receive_sms_configurations_list.sync_detailed(
        sid, client=client), 200).count == 0

    # An SMS to two numbers with the profile: one message, and one delivery report, each.
    sent = _data(_api("messages").messages_create.sync_detailed(
        sid, client=client, body=m.SendMessagesInput(
            to=RECIPIENTS, body="Your OTP is 5556.", callback_profile_id=profile_id),
        idempotency_key="order-42"), 202)
    assert [message.recipient for message in sent.messages] == RECIPIENTS
    assert sent.total_count == 2 and sent.callback_profile_id == profile_id
    run_tasks()

    deliveries = _data(callback.callback_deliveries_list.sync_detailed(
        sid, client=client, profile_id=profile_id,
        status=m.CallbackDeliveriesListStatus.SUCCEEDED), 200)
    assert sorted(d.source_id for d in deliveries.results) == sorted(
        message.message_id for message in sent.messages)
    first = deliveries.results[0]
    assert first.completed_at is not None and first.next_attempt_at is None
    detail = _data(callback.callback_deliveries_retrieve.sync_detailed(
        sid, str(first.id), client=client), 200)
    assert detail.attempts[0].status_code == 200
    resent = _data(callback.callback_deliveries_resend_create.sync_detailed(
        sid, str(first.id), client=client), 202)
    assert resent.id != first.id and resent.source_id == str(first.id)
    run_tasks()
    assert _data(callback.callback_deliveries_list.sync_detailed(
        sid, client=client, profile_id=profile_id), 200).count == 3

    gone = _data(callback.callback_profiles_destroy.sync_detailed(
        sid, profile_id, client=client), 200)
    assert gone.profile_id == profile_id
    missing = callback.callback_profiles_retrieve.sync_detailed(sid, profile_id, client=client)
    assert missing.status_code == 404 and missing.parsed.code == "RBC302"
