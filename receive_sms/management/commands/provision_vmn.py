"""`provision_vmn --sid SID --number E164` → {"number": "..."} on stdout (contract 2)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Account
from common.errors import InvalidInput
from receive_sms.services import vmn_provision


class Command(BaseCommand):
    help = "Assign a virtual mobile number (VMN) to an account."

    def add_arguments(self, parser):
        parser.add_argument("--sid", required=True, help="The account's SID, e.g. HXIN...")
        parser.add_argument("--number", required=True, help="E.164 number, e.g. +919870012345")

    def handle(self, *args, sid: str, number: str, **options):
        account = Account.objects.filter(sid=sid.strip()).first()
        if account is None:
            raise CommandError(f"No account with SID {sid}")
        try:
            vmn = vmn_provision(account=account, number=number)
        except InvalidInput as exc:
            raise CommandError("; ".join(f"--number {i.message}" for i in exc.issues)) from exc
        self.stdout.write(json.dumps({"number": vmn.number}))
