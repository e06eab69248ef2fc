"""Create a throwaway account and profile, then N deliveries to --url (load tests, benchmarks).

Deliveries go through `delivery_create` in batches, exactly like SMS status callbacks, so the
workers see real traffic. Prints one JSON object: account SID, profile id, count, seconds.
"""

from __future__ import annotations

import json
import time
import uuid

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.services import account_create
from delivery.profile_render import ProfileInputs
from delivery.services import delivery_create
from profiles.services import profile_create
from profiles.validation import ProfileInput


class Command(BaseCommand):
    help = "Create a load-test profile and N deliveries to URL (for benchmarks and tests)."

    def add_arguments(self, parser):
        parser.add_argument("--url", required=True)
        parser.add_argument("--count", type=int, default=1000)
        parser.add_argument("--batch", type=int, default=200)

    def handle(self, *args, url: str, count: int, batch: int, **options):
        if count < 1 or batch < 1:
            raise CommandError("--count and --batch must be positive")
        tag = uuid.uuid4().hex[:12]
        created = account_create(
            name=f"Load test {tag}", email=f"loadgen-{tag}@example.invalid",
            password=uuid.uuid4().hex,
        )
        profile = profile_create(account=created.account, data=ProfileInput(
            title=f"Load test {tag}", channel="sms", http_method="POST", url=url,
            body={"id": "<message_id>", "status": "<status>", "to": "<recipient>"},
        ))
        started = time.monotonic()
        inputs = ProfileInputs()
        for first in range(0, count, batch):
            with transaction.atomic():
                for number in range(first, min(first + batch, count)):
                    delivery_create(
                        profile=profile, event="SMS-sent",
                        variables={"message_id": f"{tag}-{number}", "status": "DELIVRD",
                                   "recipient": "+919876543210"},
                        source_type="loadgen", source_id=str(number), inputs=inputs,
                    )
        self.stdout.write(json.dumps({
            "sid": created.account.sid, "profile_id": profile.profile_id, "count": count,
            "seconds": round(time.monotonic() - started, 3),
        }))
