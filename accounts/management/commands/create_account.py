"""`create_account --name N --email E --password P` → {"sid", "api_key", "username"} on stdout."""

from __future__ import annotations

import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.services import account_create


class Command(BaseCommand):
    help = "Create an account, its first user (username = email) and an API key."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True)
        parser.add_argument("--email", required=True)
        parser.add_argument("--password", required=True)

    def handle(self, *args, name: str, email: str, password: str, **options):
        if not name.strip():
            raise CommandError("--name must not be empty")
        if "@" not in email:
            raise CommandError("--email must be an email address")
        if get_user_model().objects.filter(username=email).exists():
            raise CommandError(f"A user {email} already exists")
        created = account_create(name=name.strip(), email=email, password=password)
        self.stdout.write(
            json.dumps(
                {
                    "sid": created.account.sid,
                    "api_key": created.api_key.raw_key,
                    "username": created.user.username,
                }
            )
        )
