"""Fixtures for Receive SMS: a VMN for alice and a factory for callback profiles."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from profiles.services import profile_create
from profiles.validation import ProfileInput
from receive_sms.services import ConfigurationInput, configuration_create, vmn_provision

ALICE_VMN = "+919870012345"
CHARLIE_VMN = "+919870099999"


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice.user)
    return client


@pytest.fixture
def staff_client(client, db):
    user = get_user_model().objects.create_superuser("root@example.com", "root@example.com", "pw")
    client.force_login(user)
    return client


@pytest.fixture
def alice_vmn(alice):
    return vmn_provision(account=alice.account, number=ALICE_VMN)


@pytest.fixture
def charlie_vmn(charlie):
    return vmn_provision(account=charlie.account, number=CHARLIE_VMN)


@pytest.fixture
def make_profile():
    def make(actor, *, url="https://example.com/hook", http_method="POST", body=None,
             title="Incoming hook"):
        return profile_create(account=actor.account, data=ProfileInput(
            title=title, channel="default", http_method=http_method, url=url, body=body,
        ))

    return make


@pytest.fixture
def make_configuration():
    def make(actor, vmn, profile=None, **fields):
        """A configuration; without a profile or another action it fires a new profile (a
        configuration must run at least one action)."""
        data = ConfigurationInput(vmn=vmn, callback_profile=profile, **fields)
        if profile is None and "trigger_url" not in fields:
            data.callback_profile = profile_create(account=actor.account, data=ProfileInput(
                title="Incoming hook", channel="default", http_method="POST",
                url="https://example.com/hook"))
        return configuration_create(account=actor.account, data=data)

    return make
