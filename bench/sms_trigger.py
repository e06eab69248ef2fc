"""Send SMS at a steady rate through the SMS service, each with a delivery-report profile
pointing at URL; print one JSON object {message_id: time.time() when sent}. Run by
bench/delivery.py inside a scratch deployment's environment (like a web process would)."""

from __future__ import annotations

import argparse
import json
import sys
import time
import uuid
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent]
sys.path.insert(0, str(PROJECT_DIR))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--rate", type=float, default=100)
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()

    import django

    django.setup()
    from accounts.services import account_create
    from profiles.services import profile_create
    from profiles.validation import ProfileInput
    from sms.services import message_send

    tag = uuid.uuid4().hex[:8]
    account = account_create(name=f"SMS bench {tag}", email=f"sms-{tag}@example.invalid",
                             password=uuid.uuid4().hex).account
    profile = profile_create(account=account, data=ProfileInput(
        title=f"DLR bench {tag}", channel="sms", http_method="POST", url=args.url,
        body={"id": "<message_id>", "status": "<status>"},
    ))
    sent: dict[str, float] = {}
    interval = 1 / args.rate
    started = time.monotonic()
    for number in range(int(args.rate * args.seconds)):
        # Keep the schedule: message n leaves at started + n * interval.
        delay = started + number * interval - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        at = time.time()
        result = message_send(account=account, to="+919876543210", body=f"bench {number}",
                              callback_profile_id=profile.profile_id)
        sent[result.messages[0].message_id] = at
    print(json.dumps(sent))


if __name__ == "__main__":
    main()
