"""The database worker (`manage.py db_worker`, the embedded default) stops gracefully on SIGTERM:
the send in progress finishes and is logged before the process exits."""

from __future__ import annotations

from delivery.loadtest import Receiver, ScratchDeployment


def test_sigterm_lets_the_running_send_finish(tmp_path):
    with Receiver(delay=1.5) as receiver, ScratchDeployment(tmp_path,
                                                            backend="database") as deployment:
        worker = deployment.start_worker()
        deployment.manage("delivery_loadgen", "--url", receiver.url, "--count", "1")
        assert receiver.arrived.wait(60), "the worker never sent the callback"

        exit_code = deployment.stop_worker(worker)  # SIGTERM while the receiver holds the reply

        assert exit_code == 0
        assert deployment.statuses() == {"succeeded": 1}
        assert len(receiver.snapshot()) == 1
