"""Fixtures for the SMS tests: settle at once, callbacks to 127.0.0.1, profile factory."""

from __future__ import annotations

import pytest

from profiles.services import profile_create
from profiles.validation import EncryptionInput, ProfileInput


@pytest.fixture
def sms_settings(settings_private_ok):
    settings_private_ok.SMS_DLR_DELAY_SECONDS = 0
    return settings_private_ok


@pytest.fixture
def make_profile(sms_settings):
    def make(actor, *, url: str, method: str = "POST", body=None, channel: str = "sms",
             encryption: EncryptionInput | None = None, title: str = "Delivery reports"):
        return profile_create(account=actor.account, data=ProfileInput(
            title=title, channel=channel, http_method=method, url=url, body=body,
            encryption=encryption,
        ))

    return make
