"""Column facts for the few statements written in SQL (bulk updates and upserts), typed: the
model API allows for fields without a column, but concrete fields always have one."""

from __future__ import annotations

from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field


def column(field: Field[Any, Any]) -> str:
    assert field.column is not None, f"{field} has no column"
    return field.column


def base_type(field: Field[Any, Any], connection: BaseDatabaseWrapper) -> str:
    """The column's SQL type without its size, e.g. `varchar` for `varchar(40)`."""
    db_type = field.db_type(connection)
    assert db_type is not None, f"{field} has no column"
    return db_type.split("(")[0]
