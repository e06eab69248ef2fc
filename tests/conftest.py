"""Shared fixtures: three actors, after healthchecks' alice/bob/charlie.

alice owns account A, bob is alice's teammate in account A, charlie is a stranger (account B).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from rest_framework.test import APIClient

from accounts.models import Account, Membership
from accounts.services import account_create


@dataclass
class Actor:
    account: Account
    user: object
    api_key: str
    password: str

    @property
    def sid(self) -> str:
        return self.account.sid

    def api(self) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_API_KEY=self.api_key)
        return client


PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Real hashing costs ~0.3 s per user; tests don't need its strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def alice(db) -> Actor:
    created = account_create(name="Alice Co", email="alice@example.com", password=PASSWORD)
    return Actor(created.account, created.user, created.api_key.raw_key, PASSWORD)


@pytest.fixture
def bob(alice) -> Actor:
    from django.contrib.auth import get_user_model

    from accounts.services import api_key_create

    user = get_user_model().objects.create_user("bob@example.com", "bob@example.com", PASSWORD)
    Membership.objects.create(user=user, account=alice.account)
    return Actor(alice.account, user, api_key_create(account=alice.account).raw_key, PASSWORD)


@pytest.fixture
def charlie(db) -> Actor:
    created = account_create(name="Charlie Ltd", email="charlie@example.com", password=PASSWORD)
    return Actor(created.account, created.user, created.api_key.raw_key, PASSWORD)


@pytest.fixture
def settings_private_ok(settings):
    """Callbacks to the test's own 127.0.0.1 receiver are allowed."""
    settings.CALLBACK_ALLOW_PRIVATE_NETWORKS = True
    return settings


@pytest.fixture
def run_tasks(db):
    """`run_tasks()` runs the background work due now, in this process, until none is left.

    It does what `bin/worker` does, through the same code (tests/support/background.py): SMS
    settlement (messages whose settle delay has not passed are settled too, unless
    `run_tasks(include_future=False)`), the delivery engine's claim → send → record rounds for
    every delivery whose `next_attempt_at` is due, and queued django-tasks. Delivery retries
    are driven by moving `next_attempt_at` into the past, never by sleeping. It returns how
    much ran, and raises if a task raised.
    """
    from tests.support.background import run_background_work

    return run_background_work
