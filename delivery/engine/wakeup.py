"""Waking workers the moment work is committed, instead of on their next poll.

`notify_on_commit()` is called by whatever writes due work (a Delivery, an SMS to settle). In
the writing process it sets an in-process event once the transaction commits (a worker in the
same process wakes at once). On PostgreSQL it also sends `NOTIFY`, which PostgreSQL delivers
to listening workers on commit (and folds duplicates within one transaction), and `Listener`
turns those into the same event. SQLite has no NOTIFY: a datagram to each local worker's socket
does the same (local_wakeup). The poll interval is only the fallback.
"""

from __future__ import annotations

import logging
import threading

from django.db import connection, transaction

from . import local_wakeup

logger = logging.getLogger(__name__)

CHANNEL = "callback_profiles_work"
WORK_ARRIVED = threading.Event()


def _work_committed() -> None:
    WORK_ARRIVED.set()
    if connection.vendor == "sqlite":
        local_wakeup.broadcast()  # workers in other processes


def notify_on_commit(*, notified: bool = False) -> None:
    """Wake workers when the current transaction commits (once per transaction).
    `notified`: the caller's own statement already sent the NOTIFY (sms.acceptance)."""
    if any(entry[1] is _work_committed for entry in connection.run_on_commit):  # (…, func, …)
        return  # this transaction already will
    if connection.vendor == "postgresql" and not notified:
        with connection.cursor() as cursor:
            cursor.execute(f"NOTIFY {CHANNEL}")
    transaction.on_commit(_work_committed)


class Listener(threading.Thread):
    """LISTENs on its own PostgreSQL connection and sets `WORK_ARRIVED` per notification."""

    loop_name = "delivery-listener"

    def __init__(self) -> None:
        super().__init__(name=self.loop_name, daemon=True)
        self._stop_event = threading.Event()
        self.state = "running"

    def run(self) -> None:
        import psycopg

        params = connection.settings_dict
        while not self._stop_event.is_set():
            try:
                with psycopg.connect(
                    dbname=params["NAME"], user=params.get("USER") or None,
                    password=params.get("PASSWORD") or None, host=params.get("HOST") or None,
                    port=params.get("PORT") or None, autocommit=True,
                ) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self.state = "running"
                    WORK_ARRIVED.set()  # anything committed while it was not listening
                    while not self._stop_event.is_set():
                        for _ in conn.notifies(timeout=1.0):
                            WORK_ARRIVED.set()
            except Exception as exc:  # noqa: BLE001 - the poll keeps working; try again shortly
                logger.warning("LISTEN connection lost; polling until it is back", exc_info=True)
                self.state = f"restarting: {str(exc)[:200]}"
                self._stop_event.wait(2.0)

    def stop(self) -> None:
        self._stop_event.set()
