"""Trigger URL with trigger type URL: the configuration owns a managed callback profile.

The profile (Default channel, POST, empty body = every incoming-SMS variable, URL = the webhook
URL) lets the delivery engine sign, retry, circuit-break and log the webhook exactly like any
callback. It is created, updated and deleted with its configuration, and is read-only on the
profile pages and API.
"""

from __future__ import annotations

import re

from common.errors import Issue
from profiles.models import Channel
from profiles.services import profile_create, profile_delete, profile_update
from profiles.validation import ProfileInput, validate_profile

from .models import VMN, ReceiveConfiguration, TriggerType

_TITLE_UNSAFE = re.compile(r"[^A-Za-z0-9 _-]")


def webhook_title(vmn: VMN, keyword: str) -> str:
    name = _TITLE_UNSAFE.sub("", keyword) or "default"
    return f"Webhook {vmn.number.lstrip('+')} {name}"[:100]


def webhook_input(*, vmn: VMN, keyword: str, url: str) -> ProfileInput:
    return ProfileInput(title=webhook_title(vmn, keyword), channel=Channel.DEFAULT,
                        http_method="POST", url=url)


def webhook_url_issues(url: str) -> list[Issue]:
    """The profile rules about the URL, reported on the configuration's `webhook_url`."""
    data = ProfileInput(title="Webhook", channel=Channel.DEFAULT, http_method="POST",
                        url=url)
    return [Issue("webhook_url", issue.message) for issue in validate_profile(data)
            if issue.field == "url"]


def sync_webhook_profile(configuration: ReceiveConfiguration) -> None:
    """Create, update or delete the configuration's managed profile to match it."""
    profile = configuration.webhook_profile
    wanted = configuration.trigger_type == TriggerType.URL and configuration.webhook_url
    if not wanted:
        if profile is not None:
            configuration.webhook_profile = None
            configuration.save(update_fields=["webhook_profile"])
            profile_delete(profile=profile)
        return
    data = webhook_input(vmn=configuration.vmn, keyword=configuration.keyword,
                         url=configuration.webhook_url)
    if profile is None:
        configuration.webhook_profile = profile_create(
            account=configuration.account, data=data, managed=True
        )
        configuration.save(update_fields=["webhook_profile"])
    elif (profile.url, profile.title) != (data.url, data.title):
        profile_update(profile=profile, data=data)
