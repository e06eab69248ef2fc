"""`Idempotency-Key` for POST endpoints, as Stripe's API (and the IETF httpapi draft) do it.

* Same key, same account, same parameters: the first answer is replayed (same status and body)
  with the header `Idempotent-Replayed: true`; nothing is done twice.
* Same key with different parameters or on another endpoint: 422 in the envelope.
* Keys expire after IDEMPOTENCY_KEY_TTL (24 h); an expired key is a new key.
* Only work that happened is remembered: a request refused by validation stores nothing, so it
  can be corrected and retried with the same key.

The key row is inserted inside the same transaction as the work, after it. A concurrent request
with the same key blocks on the unique index until the first commits, then rolls its own work
back and replays the first answer, so two racing retries can never both send. Expired keys are
taken over by their next use and pruned with the other old records (ops/retention.py).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone
from rest_framework.response import Response

from accounts.models import Account
from common.errors import InvalidInput, Issue
from common.sql_columns import column

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


class _KeyTaken(Exception):
    """A live row already holds the key: the work just done is rolled back."""


def _claim_key(*, account: Account, key: str, operation: str, fingerprint: str,
               response: Response, now: datetime) -> bool:
    """Store the answer under the key, in the work's transaction: one statement that inserts,
    takes over an expired row, or (False) finds the key live. A concurrent request with the
    same key waits on the unique index until the first commits."""
    values = {
        "account": account.pk, "key": key, "operation": operation,
        "fingerprint": fingerprint, "status_code": response.status_code,
        "response_body": response.data, "created_at": now,
        "expires_at": now + IDEMPOTENCY_KEY_TTL,
    }
    fields = [f for f in IdempotencyKey._meta.concrete_fields if f.name in values]  # account_id
    quote = connection.ops.quote_name
    table = quote(IdempotencyKey._meta.db_table)
    columns = ", ".join(quote(column(f)) for f in fields)
    updates = ", ".join(f"{quote(column(f))} = excluded.{quote(column(f))}" for f in fields
                        if f.name not in ("account", "key"))
    expires = quote("expires_at")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))}) "
            f"ON CONFLICT ({quote('account_id')}, {quote('key')}) DO UPDATE SET {updates} "
            f"WHERE {table}.{expires} <= %s RETURNING {quote('id')}",
            [f.get_db_prep_save(values[f.name], connection) for f in fields]
            + [IdempotencyKey._meta.get_field("expires_at").get_db_prep_value(now, connection)],
        )
        return cursor.fetchone() is not None


def _stored(account: Account, key: str, now: datetime) -> IdempotencyKey | None:
    return IdempotencyKey.objects.filter(account=account, key=key, expires_at__gt=now).first()


def idempotent(request, *, account: Account, operation: str,
               handler: Callable[[], Response]) -> Response:
    """Run `handler` once per Idempotency-Key (when the request has one).

    The work runs first and its answer is stored under the key in the same transaction, so a
    first request costs one extra statement; a retry finds the key taken, rolls its own work
    back and replays the stored answer.
    """
    key = _key_from(request)
    if key is None:
        return handler()
    fingerprint = _fingerprint(request.data)
    now = timezone.now()
    try:
        with transaction.atomic():
            response = handler()
            if not _claim_key(account=account, key=key, operation=operation,
                              fingerprint=fingerprint, response=response, now=now):
                raise _KeyTaken
    except (_KeyTaken, InvalidInput):
        # A retry whose parameters no longer pass (e.g. a recipient opted out since) still
        # gets the first answer; only a key never used lets the error through.
        stored = _stored(account, key, now)
        if stored is None:
            raise
        return _replay(stored, operation=operation, fingerprint=fingerprint)
    response[REPLAYED_HEADER] = "false"
    return response
