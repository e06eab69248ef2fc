"""Endpoint states moved from the delivery app to profiles: existing rows (an open circuit and
its failure count) survive the migration, and so does the admin permission's content type."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("delivery", "0003_recover_run"), ("profiles", "0006_retired_signing_secrets")]
AFTER = [("delivery", "0004_endpoint_state_to_profiles"), ("profiles", "0007_endpoint_state")]


def migrate(targets):
    """Migrate to `targets`; the models as the database now has them."""
    MigrationExecutor(connection).migrate(targets)
    loader = MigrationExecutor(connection).loader
    return loader.project_state(list(loader.applied_migrations)).apps


@pytest.mark.django_db(transaction=True)
def test_an_open_circuit_keeps_its_state_across_the_move():
    old = migrate(BEFORE)
    account = old.get_model("accounts", "Account").objects.create(name="Move", sid="HXIN0MOVE1")
    profile = old.get_model("profiles", "CallbackProfile").objects.create(
        account=account, profile_id="p-move", title="Moved", url="http://127.0.0.1/hook")
    old.get_model("delivery", "EndpointState").objects.create(
        profile=profile, circuit="open", consecutive_failures=7)
    old.get_model("contenttypes", "ContentType").objects.get_or_create(
        app_label="delivery", model="endpointstate")

    new = migrate(AFTER)
    state = new.get_model("profiles", "EndpointState").objects.get(profile_id=profile.pk)
    assert (state.circuit, state.consecutive_failures) == ("open", 7)
    labels = new.get_model("contenttypes", "ContentType").objects.filter(
        model="endpointstate").values_list("app_label", flat=True)
    assert list(labels) == ["profiles"]
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
