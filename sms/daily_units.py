"""The `total` variable: the account's units that UTC day, kept in one counter row per account
and day (`DailyUnits`) instead of a `SUM` over the day's messages.

`units_add` is one statement on both databases (`INSERT … ON CONFLICT DO UPDATE … RETURNING`):
the first send of a day creates the row, every other one adds to it, and concurrent sends of
one account queue on that row's lock for the rest of their (short) transaction, so each gets
its own consecutive range of totals.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from django.db import connection

from .models import DailyUnits


def utc_day(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


def units_add(*, account_id: int, day: date, units: int) -> int:
    """Add `units` to the account's count for `day` (call inside the send's transaction);
    the day's count including them."""
    quote = connection.ops.quote_name
    table = quote(DailyUnits._meta.db_table)
    count = quote("units")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({quote('account_id')}, {quote('day')}, {count}) "
            f"VALUES (%s, %s, %s) ON CONFLICT ({quote('account_id')}, {quote('day')}) "
            f"DO UPDATE SET {count} = {table}.{count} + excluded.{count} RETURNING {count}",
            [account_id, connection.ops.adapt_datefield_value(day), units],
        )
        return cursor.fetchone()[0]
