"""Writing many rows at once without the ORM's per-row cost (bench/carrier.py)."""

from __future__ import annotations

from django.db import connection


def update_many(model, columns: list[str], rows: list[tuple]) -> None:
    """One UPDATE per row (`columns` values, then the pk) through executemany: the ORM's
    bulk_update builds a CASE per column and costs most of a batch (bench/carrier.py)."""
    if not rows:
        return
    quote = connection.ops.quote_name
    fields = [model._meta.get_field(name) for name in columns]
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    sql = f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE {quote('id')} = %s"
    prepared = [[f.get_db_prep_save(value, connection) for f, value in zip(fields, row[:-1],
                                                                          strict=True)]
                + [row[-1]] for row in rows]
    with connection.cursor() as cursor:
        cursor.executemany(sql, prepared)
