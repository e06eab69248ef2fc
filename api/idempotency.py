"""`Idempotency-Key` for POST endpoints, as Stripe's API (and the IETF httpapi draft) do it.

* Same key, same account, same parameters: the first answer is replayed (same status and body)
  with the header `Idempotent-Replayed: true`; nothing is done twice.
* Same key with different parameters or on another endpoint: 422 in the envelope.
* Keys expire after IDEMPOTENCY_KEY_TTL (24 h); an expired key is a new key.
* Only work that happened is remembered: a request refused by validation stores nothing, so it
  can be corrected and retried with the same key.

The key row is inserted inside the same transaction as the work. A concurrent request with the
same key blocks on the unique index until the first commits, then finds and replays its answer,
so two racing retries can never both send.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.response import Response

from accounts.models import Account
from common.errors import InvalidInput, Issue

from .models import IdempotencyKey

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
IDEMPOTENCY_KEY_TTL = timedelta(hours=24)
MAX_KEY_LENGTH = 255


class IdempotencyKeyReused(InvalidInput):
    """The key was already used for a different request (answered 422)."""


def _key_from(request) -> str | None:
    raw = request.headers.get(HEADER)
    if raw is None:
        return None
    key = raw.strip()
    if not key:
        raise InvalidInput([Issue(HEADER, "must NOT be empty", location="header")])
    if len(key) > MAX_KEY_LENGTH:
        raise InvalidInput([Issue(
            HEADER, f"must NOT have more than {MAX_KEY_LENGTH} characters", location="header",
        )])
    if not key.isascii() or not key.isprintable():
        raise InvalidInput([Issue(HEADER, "must be printable ASCII", location="header")])
    return key


def _fingerprint(data) -> str:
    if hasattr(data, "lists"):  # form data: keep repeated fields
        data = {name: values for name, values in data.lists()}
    canonical = json.dumps(data, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _replay(stored: IdempotencyKey, *, operation: str, fingerprint: str) -> Response:
    if stored.operation != operation or stored.fingerprint != fingerprint:
        raise IdempotencyKeyReused([Issue(
            HEADER,
            "was already used for a different request in the last 24 hours: use a new key "
            "for new parameters",
            location="header",
        )])
    response = Response(stored.response_body, status=stored.status_code)
    response[REPLAYED_HEADER] = "true"
    return response


def idempotent(request, *, account: Account, operation: str,
               handler: Callable[[], Response]) -> Response:
    """Run `handler` once per Idempotency-Key (when the request has one)."""
    key = _key_from(request)
    if key is None:
        return handler()
    fingerprint = _fingerprint(request.data)
    now = timezone.now()
    with transaction.atomic():
        IdempotencyKey.objects.filter(account=account, expires_at__lte=now).delete()
        try:
            with transaction.atomic():
                record = IdempotencyKey.objects.create(
                    account=account, key=key, operation=operation, fingerprint=fingerprint,
                    status_code=0, response_body={}, created_at=now,
                    expires_at=now + IDEMPOTENCY_KEY_TTL,
                )
        except IntegrityError:
            stored = IdempotencyKey.objects.get(account=account, key=key)
            return _replay(stored, operation=operation, fingerprint=fingerprint)
        # An exception here rolls back the key together with the work.
        response = handler()
        record.status_code = response.status_code
        record.response_body = response.data
        record.save(update_fields=["status_code", "response_body"])
    response[REPLAYED_HEADER] = "false"
    return response
