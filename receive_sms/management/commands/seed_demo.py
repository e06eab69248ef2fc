"""Demo data for a first look: an account, a login, an API key, sample callback profiles, and a
VMN whose default Receive Message configuration fires one of them.

It lives in receive_sms, the right-most app, because it uses every app (accounts → profiles →
delivery → sms, receive_sms).

Idempotent: running it again keeps everything, prints the same API key (derived from
SECRET_KEY, never minted anew) and re-points the demo profiles at the current
PUBLIC_BASE_URL, so changing PORT does not break the demo's callbacks.
"""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from accounts.models import Account, ApiKey
from accounts.services import account_create, api_key_create, hash_api_key
from delivery.inbox import inbox_get_or_create, inbox_url
from profiles.models import CallbackProfile
from profiles.services import profile_create, profile_update
from profiles.validation import EncryptionInput, ProfileInput
from receive_sms.models import VMN
from receive_sms.services import ConfigurationInput, configuration_create, vmn_provision

DEMO_EMAIL = "demo@example.com"
DEMO_PASSWORD = "demo-password"
DEMO_KEY_NAME = "Demo (bin/run)"
DEMO_VMN = "+919999000123"
INCOMING_TITLE = "Incoming SMS"


def demo_api_key(account: Account) -> str:
    """The demo's key, re-derivable from SECRET_KEY: the same on every run, never stored."""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"demo-api-key:{account.sid}".encode(),
                      hashlib.sha256).hexdigest()
    return "A" + digest[:32]


class Command(BaseCommand):
    help = "Create the demo account, user, API key, sample profiles and VMN (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--base-url", default=None,
                            help="Where this server is reached (default: PUBLIC_BASE_URL).")

    def handle(self, *args, base_url: str | None, **options):
        base_url = (base_url or settings.PUBLIC_BASE_URL).rstrip("/")
        user = get_user_model().objects.filter(username=DEMO_EMAIL).first()
        if user is None:
            account = account_create(
                name="Demo Company", email=DEMO_EMAIL, password=DEMO_PASSWORD
            ).account
            self._sample_profiles(account, base_url)
        else:
            account = user.membership.account
            self._repoint_profiles(account, base_url)
        key_line = self._api_key_line(account)
        vmn_line = self._demo_vmn(account, base_url)
        self.stdout.write(
            f"\nDemo login: {DEMO_EMAIL} / {DEMO_PASSWORD}   ({base_url}/login/)\n"
            f"Account SID: {account.sid}   {key_line}\n"
            f"{vmn_line}\n"
            f"Callbacks of the demo profiles arrive at {base_url}/deliveries/inbox/\n"
        )

    def _api_key_line(self, account: Account) -> str:
        raw_key = demo_api_key(account)
        existing = ApiKey.objects.filter(key_hash=hash_api_key(raw_key)).first()
        if existing is None:
            api_key_create(account=account, name=DEMO_KEY_NAME, raw_key=raw_key)
        elif not existing.is_active:
            return "API key: the demo key was revoked; create one under API keys."
        return f"API key: {raw_key}"

    def _demo_vmn(self, account: Account, base_url: str) -> str:
        vmn = VMN.objects.filter(account=account).first()
        if vmn is None:
            if VMN.objects.filter(number=DEMO_VMN).exists():
                return f"Demo VMN {DEMO_VMN} belongs to another account: no VMN provisioned."
            vmn = vmn_provision(account=account, number=DEMO_VMN)
            configuration_create(account=account, data=ConfigurationInput(
                vmn=vmn, callback_profile=self._incoming_profile(account, base_url),
            ))
        return (f"Demo VMN: {vmn.number} (its default configuration fires “{INCOMING_TITLE}”; "
                "try Channels → SMS → Logs → Simulate incoming SMS)")

    def _incoming_profile(self, account: Account, base_url: str) -> CallbackProfile:
        found = CallbackProfile.objects.filter(account=account, title=INCOMING_TITLE).first()
        if found is not None:
            return found
        inbox = inbox_get_or_create(account=account)
        return profile_create(account=account, data=ProfileInput(
            title=INCOMING_TITLE, channel="default", http_method="POST",
            url=inbox_url(inbox=inbox, base_url=base_url, path="incoming-sms"),
            body={"from": "<source>", "to": "<recipient>", "message": "<message>",
                  "keyword": "<keyword>", "id": "<id>", "received": "<timestamp>"},
        ))

    def _repoint_profiles(self, account: Account, base_url: str) -> None:
        """Demo profiles that point at this account's inbox follow the current base URL."""
        inbox = inbox_get_or_create(account=account)
        marker = f"/inbox/{inbox.token}/"
        for profile in CallbackProfile.objects.filter(account=account, url__contains=marker):
            old = profile.url
            parts = urlsplit(old)
            new = base_url + old[len(f"{parts.scheme}://{parts.netloc}"):]
            if new != old:
                data = ProfileInput.from_profile(profile)
                data.url = new
                profile_update(profile=profile, data=data)

    def _sample_profiles(self, account: Account, base_url: str) -> None:
        # The account's own request inbox (/deliveries/inbox/) receives the demo's callbacks,
        # so the whole loop works offline.
        inbox = inbox_get_or_create(account=account)
        receiver = inbox_url(inbox=inbox, base_url=base_url, path="sms-status")
        profile_create(account=account, data=ProfileInput(
            title="Delivery reports POST", channel="sms", http_method="POST", url=receiver,
            body={"message_id": "<message_id>", "status": "<status>",
                  "status_trace": "<status_trace>", "recipient": "<recipient>",
                  "units": "<units>", "description": "<description>"},
            headers={"X-Demo": "callback-profiles"},
        ))
        profile_create(account=account, data=ProfileInput(
            title="Delivery reports GET", channel="sms", http_method="GET",
            url=f"{receiver}?id=<message_id>&status=<status>&recipient=<recipient>",
        ))
        profile_create(account=account, data=ProfileInput(
            title="Delivery reports encrypted", channel="sms", http_method="POST", url=receiver,
            body={"message_id": "<message_id>", "status": "<status>", "recipient": "<recipient>"},
            encryption=EncryptionInput(
                algorithm="AES-256-GCM", key="demo-key-0123456789abcdef0123456",
                iv="demo-iv-12345678", params=["recipient"], nonce_mode="random_nonce",
            ),
        ))
