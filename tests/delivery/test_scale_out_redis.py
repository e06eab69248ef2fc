"""Scale-out on Redis (TASKS_BACKEND=rq): real worker processes, a real queue, a real receiver.

Each test gets its own SQLite file (migrated by the test) shared by its processes, and its own
empty Redis database number, so parallel runs (pytest -n auto, other CI jobs) never collide.
Skipped only when Redis at 127.0.0.1:6379 is unreachable.
"""

from __future__ import annotations

import time

import pytest

from delivery.loadtest import Receiver, ScratchDeployment, redis_available

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(not redis_available(), reason="Redis at 127.0.0.1:6379 is unreachable"),
]


def rq_worker_job_counts(deployment: ScratchDeployment) -> list[int]:
    import redis
    from rq import Worker

    client = redis.Redis.from_url(deployment.env["REDIS_URL"])
    return sorted(w.successful_job_count for w in Worker.all(connection=client))


def queue_length(deployment: ScratchDeployment) -> int:
    import redis

    client = redis.Redis.from_url(deployment.env["REDIS_URL"])
    return int(client.llen("rq:queue:deliveries"))


def test_two_workers_deliver_1000_callbacks_exactly_once(tmp_path):
    with Receiver() as receiver, ScratchDeployment(tmp_path) as deployment:
        for _ in range(2):
            deployment.start_worker()

        deployment.manage("delivery_loadgen", "--url", receiver.url, "--count", "1000",
                          "--batch", "500")
        done = deployment.wait_until(
            lambda: deployment.statuses().get("succeeded", 0) == 1000, timeout=90
        )

        assert done, f"not all delivered: {deployment.statuses()}"
        counts = receiver.snapshot()
        assert set(counts) == deployment.webhook_ids()
        assert len(counts) == 1000
        assert [webhook_id for webhook_id, n in counts.items() if n != 1] == []
        jobs = rq_worker_job_counts(deployment)
        assert len(jobs) == 2 and all(n > 0 for n in jobs)  # both workers took a share


def test_killed_worker_loses_nothing_after_restart_and_sweep(tmp_path):
    total = 500
    with Receiver() as receiver, ScratchDeployment(tmp_path) as deployment:
        doomed = deployment.start_worker()
        deployment.start_worker()

        deployment.manage("delivery_loadgen", "--url", receiver.url, "--count", str(total),
                          "--batch", "500")
        assert deployment.wait_until(lambda: receiver.distinct >= 100, timeout=60)
        deployment.kill_worker(doomed)  # SIGKILL, mid-batch
        deployment.start_worker()  # the restart

        # Let the surviving workers drain the queue; what the killed one held stays stuck.
        def drained() -> bool:
            before = deployment.statuses()
            time.sleep(1)
            return queue_length(deployment) == 0 and deployment.statuses() == before

        assert deployment.wait_until(drained, timeout=60)
        deployment.manage("delivery_sweep", "--lease", "0", "--grace", "0")
        done = deployment.wait_until(
            lambda: deployment.statuses().get("succeeded", 0) == total, timeout=60
        )

        assert done, f"not all delivered: {deployment.statuses()}"
        counts = receiver.snapshot()
        assert set(counts) == deployment.webhook_ids()
        assert len(counts) == total and min(counts.values()) >= 1
