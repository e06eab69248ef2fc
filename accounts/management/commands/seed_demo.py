"""Demo data for a first look: an account, a login, an API key and sample callback profiles.

Idempotent: running it again keeps the existing demo account and only prints the login.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from accounts.models import Account
from accounts.services import account_create, api_key_create
from delivery.inbox import inbox_get_or_create, inbox_url
from profiles.services import profile_create
from profiles.validation import EncryptionInput, ProfileInput

DEMO_EMAIL = "demo@example.com"
DEMO_PASSWORD = "demo-password"


class Command(BaseCommand):
    help = "Create the demo account, user and sample callback profiles (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--base-url", default="http://127.0.0.1:8000")

    def handle(self, *args, base_url: str, **options):
        user = get_user_model().objects.filter(username=DEMO_EMAIL).first()
        if user is None:
            created = account_create(name="Demo Company", email=DEMO_EMAIL, password=DEMO_PASSWORD)
            account, raw_key = created.account, created.api_key.raw_key
            self._sample_profiles(account, base_url)
        else:
            account = user.membership.account
            raw_key = api_key_create(account=account, name="Demo run").raw_key
        self.stdout.write(
            f"\nDemo login: {DEMO_EMAIL} / {DEMO_PASSWORD}   (http://127.0.0.1:8000/login/)\n"
            f"Account SID: {account.sid}   API key: {raw_key}\n"
            f"Callbacks of the demo profiles arrive at {base_url}/deliveries/inbox/\n"
        )

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
