"""Migration 0004 moves a configuration's actions from flat columns to its typed list: every
configuration keeps the actions it had, and migrating back restores the columns."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts.models import Account
from receive_sms.actions import action_names
from receive_sms.models import VMN, ReceiveConfiguration, SubscriberList

BEFORE = [("receive_sms", "0003_incoming_carrier_message_id")]
AFTER = [("receive_sms", "0004_configuration_actions_list")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def at_0003(transactional_db):
    old_apps = migrate(BEFORE)
    yield old_apps
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_every_configuration_keeps_its_actions_and_going_back_restores_them(at_0003):
    Configuration = at_0003.get_model("receive_sms", "ReceiveConfiguration")
    account = Account.objects.create(sid="HXMIGRATION0001", name="Migrated")
    vmn = VMN.objects.create(account=account, number="+919870012345")
    offers = SubscriberList.objects.create(account=account, name="Offers")
    news = SubscriberList.objects.create(account=account, name="News")
    everything = Configuration.objects.create(
        account_id=account.pk, vmn_id=vmn.pk, keyword="JOIN", trigger_url=False,
        auto_reply=True, auto_reply_text="Hi <source>", auto_reply_delay_minutes=5,
        forward=True, forward_numbers=["+919876543210"], forward_emails=["ops@example.com"],
        forward_template="<message>", subscribe_list_id=offers.pk, unsubscribe_list_id=news.pk,
    )
    # Switched off actions leave their settings behind in the old columns: they stay off.
    trigger_only = Configuration.objects.create(
        account_id=account.pk, vmn_id=vmn.pk, keyword="", trigger_url=True,
        auto_reply=False, auto_reply_text="left over", forward=False,
    )

    migrate(AFTER)

    assert ReceiveConfiguration.objects.get(pk=everything.pk).actions == [
        {"type": "subscribe", "list": "Offers"},
        {"type": "unsubscribe", "list": "News"},
        {"type": "auto_reply", "text": "Hi <source>", "delay_minutes": 5},
        {"type": "forward", "numbers": ["+919876543210"], "emails": ["ops@example.com"],
         "template": "<message>"},
    ]
    assert ReceiveConfiguration.objects.get(pk=trigger_only.pk).actions == []
    # What the actions' modules read back (the list page names them).
    assert action_names(ReceiveConfiguration.objects.get(pk=everything.pk)) == [
        "Subscribe to Offers", "Unsubscribe from News", "Auto Reply (after 5 min)", "Forward"]

    old = migrate(BEFORE).get_model("receive_sms", "ReceiveConfiguration")
    restored = old.objects.get(pk=everything.pk)
    assert (restored.auto_reply, restored.auto_reply_text, restored.auto_reply_delay_minutes) \
        == (True, "Hi <source>", 5)
    assert (restored.forward, restored.forward_numbers, restored.forward_emails,
            restored.forward_template) == (True, ["+919876543210"], ["ops@example.com"],
                                           "<message>")
    assert (restored.subscribe_list_id, restored.unsubscribe_list_id) == (offers.pk, news.pk)
    assert old.objects.get(pk=trigger_only.pk).auto_reply is False
