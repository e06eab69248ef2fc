"""Gunicorn settings for bin/serve, all from the environment.

WEB_CONCURRENCY worker processes (default 2 × CPUs + 1, at most 8) with WEB_THREADS threads
each, on HOST:PORT. With PROMETHEUS_MULTIPROC_DIR set, a worker that exits has its metric
files marked dead so /metrics stops counting its live gauges.
"""

from __future__ import annotations

import multiprocessing
import os

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY") or min(2 * multiprocessing.cpu_count() + 1, 8))
threads = int(os.environ.get("WEB_THREADS", "4"))
# gthread: keep-alive connections and threads sharing one process's caches; `sync` measured
# about the same (bench/pipeline.py --serving) but closes every client's connection.
worker_class = os.environ.get("WEB_WORKER_CLASS", "gthread")
timeout = int(os.environ.get("WEB_TIMEOUT", "30"))
graceful_timeout = timeout
# Trust X-Forwarded-* only from the proxy in front (comma-separated addresses).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms request_id=%({x-request-id}o)s'


def child_exit(server, worker) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
