"""Writing an accepted send request: its messages and the account's daily count (`total`),
atomically, in as few database round trips as the database allows.

PostgreSQL: one statement, hence no transaction of its own (no BEGIN/COMMIT round trips): a
data-modifying CTE advances the day's counter row, the messages are inserted with their
totals, and the worker's `NOTIFY` rides along. The counter row is locked for that statement
only. SQLite (in-process, one writer): the counter upsert and the same INSERT in one short
transaction. Inside a caller's transaction (an Idempotency-Key's) both simply join it.
The statements are written out: the ORM's cost to build them was most of a send.
"""

from __future__ import annotations

from contextlib import nullcontext
from datetime import date

from django.db import connection, transaction

from common.sql_columns import column
from delivery.engine import wakeup

from . import daily_units
from .models import DailyUnits, Message

_FIELDS = [f for f in Message._meta.concrete_fields if not f.primary_key and f.name != "total"]


def messages_insert(messages: list[Message], *, units_each: int) -> None:
    """Insert `messages` (one request's, same account and time, in `to` order), setting their
    ids and each one's `total`: the account's units that UTC day up to and including it."""
    first = messages[0]
    day = daily_units.utc_day(first.sent_at)
    added = units_each * len(messages)
    postgresql = connection.vendor == "postgresql"
    with nullcontext() if postgresql else transaction.atomic(savepoint=False):
        if postgresql:
            rows = _insert(messages, units_each=units_each, counter=(first.account_id, day, added))
        else:
            total = daily_units.units_add(account_id=first.account_id, day=day, units=added)
            rows = _insert(messages, units_each=units_each, total=total)
    for message, (pk, total) in zip(messages, rows, strict=True):
        message.pk, message.total = pk, total
        message._state.adding = False
    wakeup.notify_on_commit(notified=postgresql)


def _insert(messages: list[Message], *, units_each: int,
            counter: tuple[int, date, int] | None = None,
            total: int | None = None) -> list[tuple[int, int]]:
    """The INSERT of the messages, `RETURNING (id, total)` in order. With `counter` (PostgreSQL)
    the day's counter is advanced by the same statement; else `total` is the day's count
    after these messages."""
    quote = connection.ops.quote_name
    units = quote("units")
    columns = ", ".join([*(quote(column(f)) for f in _FIELDS), quote("total")])
    latest = "(SELECT " + units + " FROM total)" if counter else "%s"
    row = "(" + ", ".join(["%s"] * len(_FIELDS)) + f", {latest} - %s)"
    params: list = []
    prefix = returning_extra = ""
    if counter:
        table = quote(DailyUnits._meta.db_table)
        key = f"{quote('account_id')}, {quote('day')}"
        prefix = (f"WITH total AS (INSERT INTO {table} ({key}, {units}) VALUES (%s, %s, %s) "
                  f"ON CONFLICT ({key}) DO UPDATE SET {units} = {table}.{units} + "
                  f"excluded.{units} RETURNING {units}) ")
        params += counter
        returning_extra = ", (SELECT pg_notify(%s, ''))"
    for position, message in enumerate(messages):
        params += [f.get_db_prep_save(f.pre_save(message, True), connection) for f in _FIELDS]
        if not counter:
            params.append(total)
        params.append((len(messages) - 1 - position) * units_each)
    if counter:
        params.append(wakeup.CHANNEL)
    sql = (f"{prefix}INSERT INTO {quote(Message._meta.db_table)} ({columns}) "
           f"VALUES {', '.join([row] * len(messages))} "
           f"RETURNING {quote('id')}, {quote('total')}{returning_extra}")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(found[0], found[1]) for found in cursor.fetchall()]
