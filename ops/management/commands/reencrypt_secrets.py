"""`manage.py reencrypt_secrets`: after prepending a new FIELD_ENCRYPTION_KEY, rewrite every
stored secret with it; then the old key can be dropped from the list."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from ops.reencrypt import reencrypt_secrets


class Command(BaseCommand):
    help = "Re-encrypt every secret at rest with the first FIELD_ENCRYPTION_KEY."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--batch", type=int, default=500)

    def handle(self, *args, batch: int, **options) -> None:
        counts = reencrypt_secrets(batch=batch)
        self.stdout.write(json.dumps({"reencrypted": counts}))
