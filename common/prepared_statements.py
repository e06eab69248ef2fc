"""A cursor whose statements PostgreSQL keeps prepared, for the few hot statements written in
SQL (a send's INSERT): parsing and planning that statement cost more than running it.

Django's own cursors bind parameters client-side, so PostgreSQL parses every statement anew;
this one binds them server-side, and psycopg prepares a statement once the connection has run
it `prepare_threshold` times (DATABASE_PREPARE_THRESHOLD, README "Deploying"). With that off,
and on SQLite (whose driver keeps its own statement cache), it is Django's ordinary cursor.
"""

from __future__ import annotations

from django.db import connection
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper


def prepared_cursor() -> CursorWrapper:
    """Use as `with prepared_cursor() as cursor:`, like `connection.cursor()`."""
    if connection.vendor != "postgresql" or not connection.settings_dict["OPTIONS"].get(
            "prepare_threshold"):
        return connection.cursor()
    from django.db.backends.postgresql.base import ServerBindingCursor  # psycopg 3 only

    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_no_broken_transaction()
    raw = ServerBindingCursor(connection.connection)  # type: ignore[call-arg]  # stubs: psycopg 2
    wrapper = CursorDebugWrapper if connection.queries_logged else CursorWrapper
    return wrapper(raw, connection)
