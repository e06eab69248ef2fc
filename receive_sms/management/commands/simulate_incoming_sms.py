"""`simulate_incoming_sms --to VMN --from E164 --message TEXT [--operator X --circle Y]`
→ {"id": "...", "matched": true|false} on stdout (contract 3).

Takes the same service call as the carrier endpoint `POST /inbound/sms`.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from common.errors import InvalidInput, NotFound
from receive_sms.services import incoming_sms_receive


class Command(BaseCommand):
    help = "Inject an incoming SMS exactly as the carrier endpoint would."

    def add_arguments(self, parser):
        parser.add_argument("--to", required=True, help="The VMN that receives the SMS")
        parser.add_argument("--from", dest="source", required=True, help="The sender's number")
        parser.add_argument("--message", required=True)
        parser.add_argument("--operator", default="")
        parser.add_argument("--circle", default="")

    def handle(self, *args, to: str, source: str, message: str, operator: str, circle: str,
               **options):
        try:
            incoming = incoming_sms_receive(
                to=to, source=source, message=message, operator=operator, circle=circle
            )
        except InvalidInput as exc:
            raise CommandError("; ".join(f"--{i.field} {i.message}" for i in exc.issues)) from exc
        except NotFound as exc:
            raise CommandError(f"--to {to}: no account has this number (run provision_vmn)") \
                from exc
        self.stdout.write(json.dumps({"id": str(incoming.public_id), "matched": incoming.matched}))
