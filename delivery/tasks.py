"""Background tasks (django-tasks): thin wrappers that fetch by id and call the service.

Queue engine is a setting (TASKS_BACKEND): the database backend (`manage.py db_worker
--queue-name '*'`) or RQ on Redis (`manage.py rqworker deliveries default --job-class
django_tasks_rq.Job --worker-class rq.worker.SimpleWorker --with-scheduler`; see
delivery/loadtest.py for why SimpleWorker). Both stop gracefully on SIGTERM: the task running
finishes, and anything cut short by SIGKILL is re-queued by the recovery sweep.
"""

from __future__ import annotations

from django.db import close_old_connections, connection
from django_tasks import task

from . import services

DELIVERY_QUEUE = "deliveries"


@task(queue_name=DELIVERY_QUEUE)
def send_delivery(delivery_id: str) -> str:
    # RQ's SimpleWorker runs jobs back to back in one process without Django's request
    # signals: drop a connection that went stale (database restart) as db_worker does.
    # (Not inside a transaction: a test draining the queue in-process runs in one.)
    if not connection.in_atomic_block:
        close_old_connections()
    delivery = services.delivery_attempt(delivery_id=delivery_id)
    return delivery.status if delivery is not None else "not-claimed"


@task(queue_name=DELIVERY_QUEUE)
def recover_deliveries() -> dict[str, int]:
    result = services.delivery_recover()
    return {"stale_sending": result.stale_sending, "lost_pending": result.lost_pending}
