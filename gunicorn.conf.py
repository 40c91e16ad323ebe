"""gunicorn's settings for the platform: ``gunicorn -c gunicorn.conf.py wsgi:app``.

Every request spends most of its time waiting on PostgreSQL (a bid commits under its task's row
lock and the audit chain's head row), so each worker runs threads (``gthread``, which also keeps
HTTP/1.1 connections alive) and there are a few more worker processes than cores, so the GIL of
one process never caps the machine. Each worker holds its own connection pool
(SQLAlchemy's 5 + 10 overflow is more than `threads`). The scheduler is not run here: it is its
own process (``flask --app wsgi scheduler run``).

Every value can be overridden by the environment, as usual for gunicorn (``WEB_CONCURRENCY``,
``GUNICORN_THREADS``, ``GUNICORN_BIND``).
"""

from __future__ import annotations

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
keepalive = 30  # seconds an idle keep-alive connection is kept (clients reuse theirs)
timeout = 60  # a worker silent this long is restarted
graceful_timeout = 30
max_requests = 10_000  # recycle workers now and then, staggered by the jitter
max_requests_jitter = 1_000
# The app is built in each worker after the fork: every worker opens its own database pool.
preload_app = False
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")


def post_worker_init(worker) -> None:
    """Once the worker has built the app: its start-up heap out of the garbage collector's
    way (`market.heap.freeze`)."""
    from market import heap

    heap.freeze()
