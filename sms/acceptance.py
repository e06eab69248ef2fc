"""Writing an accepted send request: its messages and the account's daily count (`total`),
atomically, in as few database round trips as the database allows.

PostgreSQL: one statement, hence no transaction of its own (no BEGIN/COMMIT round trips), run
prepared (common/prepared_statements.py): a data-modifying CTE advances the day's counter row
unless a recipient has opted out, the messages are inserted with their totals (none when the
counter was not advanced), and the worker's `NOTIFY` rides along. The counter row is locked
for that statement only. SQLite (in-process, one writer): the opt-out check, the counter
upsert and the same INSERT in one short transaction. Inside a caller's transaction (an
Idempotency-Key's) both simply join it. The statements are written out: the ORM's cost to
build them was most of a send.
"""

from __future__ import annotations

import functools

from django.db import connection, transaction

from common.prepared_statements import prepared_cursor
from common.sql_columns import base_type, column
from delivery.engine import wakeup

from . import daily_units
from .models import DailyUnits, Message
from .opt_outs import opted_out_numbers, opted_out_query

_FIELDS = [f for f in Message._meta.concrete_fields if not f.primary_key and f.name != "total"]


def messages_insert(messages: list[Message], *, units_each: int,
                    refuse_opted_out: bool) -> bool:
    """Insert `messages` (one request's, same account and time, in `to` order), setting their
    ids and each one's `total`: the account's units that UTC day up to and including it.
    With `refuse_opted_out`, nothing is written and the answer is False when a recipient has
    opted out (the caller says which)."""
    first = messages[0]
    day = daily_units.utc_day(first.sent_at)
    added = units_each * len(messages)
    numbers = [m.recipient for m in messages] if refuse_opted_out else []
    columns = [[f.get_db_prep_save(f.pre_save(m, True), connection) for f in _FIELDS]
               for m in messages]
    later = [(len(messages) - m.position) * units_each for m in messages]  # units after each
    with prepared_cursor() as cursor:
        if connection.vendor == "postgresql":
            guard, guard_params = (opted_out_query(account_id=first.account_id, numbers=numbers)
                                   if numbers else ("", []))
            cursor.execute(_postgresql_insert(len(messages), guard), [
                first.account_id, connection.ops.adapt_datefield_value(day), added,
                *guard_params, *(value for row, after in zip(columns, later, strict=True)
                                 for value in [*row, after]), wakeup.CHANNEL])
            found = cursor.fetchall()
        else:
            with transaction.atomic(savepoint=False):
                if numbers and opted_out_numbers(account=first.account, numbers=numbers):
                    return False
                total = daily_units.units_add(account_id=first.account_id, day=day,
                                              units=added)
                cursor.execute(_sqlite_insert(len(messages)), [
                    value for row, after in zip(columns, later, strict=True)
                    for value in [*row, total, after]])
                found = cursor.fetchall()
    rows = {position: (pk, total) for pk, total, position, *_notified in found}
    if not rows:
        return False
    for message in messages:
        message.pk, message.total = rows[message.position]
        message._state.adding = False
    wakeup.notify_on_commit(notified=connection.vendor == "postgresql")
    return True


def _columns() -> str:
    quote = connection.ops.quote_name
    return ", ".join([*(quote(column(f)) for f in _FIELDS), quote("total")])


def _returning() -> str:
    quote = connection.ops.quote_name
    return f"RETURNING {quote('id')}, {quote('total')}, {quote('position')}"


@functools.lru_cache(maxsize=256)
def _postgresql_insert(count: int, guard: str) -> str:
    """`count` messages after the counter's upsert, which `guard` (SQL selecting the opted-out
    recipients) stops when it finds any; params: the counter's account, day and units, the
    guard's, each message's columns and its units sent after it in the request, the channel."""
    quote = connection.ops.quote_name
    table = quote(DailyUnits._meta.db_table)
    units = quote("units")
    key_fields = [f for f in DailyUnits._meta.concrete_fields if not f.primary_key]
    key = f"{quote('account_id')}, {quote('day')}"
    casts = ", ".join(f"%s::{base_type(f, connection)}" for f in key_fields)
    unless = f" WHERE NOT EXISTS ({guard})" if guard else ""
    row = "(" + ", ".join([f"%s::{base_type(f, connection)}" for f in _FIELDS]
                          + ["%s::integer"]) + ")"
    names = ", ".join([*(quote(column(f)) for f in _FIELDS), "later"])
    return (
        f"WITH total AS (INSERT INTO {table} ({key}, {units}) SELECT {casts}{unless} "
        f"ON CONFLICT ({key}) DO UPDATE SET {units} = {table}.{units} + excluded.{units} "
        f"RETURNING {units}) "
        f"INSERT INTO {quote(Message._meta.db_table)} ({_columns()}) "
        f"SELECT {', '.join(f'v.{quote(column(f))}' for f in _FIELDS)}, total.{units} - v.later "
        f"FROM (VALUES {', '.join([row] * count)}) AS v({names}), total "
        f"{_returning()}, (SELECT pg_notify(%s, ''))"
    )


@functools.lru_cache(maxsize=128)
def _sqlite_insert(count: int) -> str:
    """`count` messages; params per message: its columns, the day's count after the request
    and its units sent after it in the request."""
    quote = connection.ops.quote_name
    row = "(" + ", ".join(["%s"] * len(_FIELDS)) + ", %s - %s)"
    return (f"INSERT INTO {quote(Message._meta.db_table)} ({_columns()}) "
            f"VALUES {', '.join([row] * count)} {_returning()}")
