"""Updating many rows, each with its own values, in one statement.

PostgreSQL: one `UPDATE … FROM (VALUES (…), (…))` joined on the primary key; SQLite: one
prepared UPDATE run with `executemany`. (The ORM's `bulk_update` builds a CASE expression per
row and column, which costs more than the work it records.)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import Model

from .sql_columns import base_type, column


def update_rows(model: type[Model], rows: dict[Any, dict[str, Any]], fields: Sequence[str], *,
                guard: str = "", guard_params: Sequence[Any] = ()) -> int:
    """Set `fields` of each row `pk` to `rows[pk]` (every field given); how many rows changed.
    `guard`: an extra SQL condition on the row, columns written `{t}column` (`{t}` is the
    table's alias or nothing), with `guard_params`."""
    if not rows:
        return 0
    columns = [f for f in model._meta.concrete_fields if f.name in fields]
    pk_field = model._meta.pk
    values = [
        [pk_field.get_db_prep_value(pk, connection),
         *(f.get_db_prep_save(change[f.name], connection) for f in columns)]
        for pk, change in rows.items()
    ]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    pk_column = quote(column(pk_field))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            every = [pk_field, *columns]
            casts = ", ".join(f"%s::{base_type(c, connection)}" for c in every)
            rows_sql = ", ".join([f"({casts})"] * len(values))
            names = ", ".join(quote(column(c)) for c in every)
            sets = ", ".join(f"{quote(column(f))} = v.{quote(column(f))}" for f in columns)
            where = f" AND {guard.format(t='d.')}" if guard else ""
            cursor.execute(
                f"UPDATE {table} AS d SET {sets} FROM (VALUES {rows_sql}) AS v({names}) "
                f"WHERE d.{pk_column} = v.{pk_column}{where}",
                [value for row in values for value in row] + list(guard_params),
            )
        else:
            sets = ", ".join(f"{quote(column(f))} = %s" for f in columns)
            where = f" AND {guard.format(t='')}" if guard else ""
            cursor.executemany(
                f"UPDATE {table} SET {sets} WHERE {pk_column} = %s{where}",
                [[*row[1:], row[0], *guard_params] for row in values],
            )
        return max(cursor.rowcount, 0)
