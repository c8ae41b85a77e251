"""Gunicorn's settings for the web process (``bin/serve web``, which ``bin/run`` uses too).

Each worker process serves ``threads`` requests at once, one per thread, and
Django keeps one database connection per thread for ``DATABASE_CONN_MAX_AGE``
seconds, reused by the next request that thread serves. So a web machine holds
at most ``workers × threads`` database connections however many requests
arrive (the rest wait in the listen backlog), and a site's total is that times
its web machines plus the Celery workers': keep it under PostgreSQL's
``max_connections`` (100 by default). ``runserver`` started a thread, and so a
connection, per concurrent request: 20 at once exhausted the database.

A graceful reload (new code, new settings) is ``kill -HUP`` to the master: it
starts new workers and lets the old ones finish their requests first.
"""

import gc
import os
import tempfile
from pathlib import Path

from operations.logs import logging_settings
from tracker.env import env_int, env_str

# Loopback unless told otherwise: a reverse proxy (TLS) in front, on the same machine.
bind = [env_str("WEB_BIND", f"127.0.0.1:{env_int('PORT', 8000)}")]

# Processes use the cores; threads cover a request's waits on the database.
# The pages are mostly Python (a claim list is about 40 ms of CPU), and the
# threads of one process take turns on its GIL, so a request sharing its
# process with three others takes about four times its CPU time to finish;
# more processes of fewer threads leave the rest waiting in the listen
# backlog instead, first come first served. On two cores, 50 reviewers of the
# load test had the list's p95 at 317 ms with 5 processes of 2 threads and
# 365 ms with 3 of 4 (a quiet machine), and at 1,037 ms and 1,803 ms on a
# machine busy with other work (load average 4-8 in both runs), with fewer
# database connections (10, not 12). Twice the cores and one is gunicorn's
# own advice.
worker_class = "gthread"
workers = env_int("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1) + 1)
threads = env_int("WEB_THREADS", 2)

# A worker whose main loop is silent this long is hung and is replaced (a slow
# request in one thread does not count: the loop keeps beating in gthread).
timeout = env_int("WEB_TIMEOUT", 30)
# On reload or shutdown, requests in progress get this long to finish.
graceful_timeout = env_int("WEB_GRACEFUL_TIMEOUT", 30)
keepalive = 5
# Workers are replaced after a few thousand requests (staggered), so that
# memory a request left behind cannot grow for the months the site runs.
max_requests = env_int("WEB_MAX_REQUESTS", 5000)
max_requests_jitter = max_requests // 10

accesslog = "-"
errorlog = "-"
# Gunicorn's lines are JSON too, through the same root handler as the app's (operations/logs.py).
logconfig_dict = {
    **logging_settings(env_str("LOG_LEVEL", "INFO")),
    "loggers": {
        name: {"level": "INFO", "handlers": [], "propagate": True} for name in ("gunicorn.error", "gunicorn.access")
    },
}
proc_name = "claim-tracker-web"
# Gunicorn 25+ opens a control socket at one path per user, which a second
# server on the machine (a test, a second site) would take over; ``kill -HUP``
# and ``kill -TERM`` to the master are the controls we document.
control_socket_disable = True

# /metrics sums the request latencies of every worker process (operations/metrics.py):
# prometheus-client's multiprocess mode, each process writing its figures to a file in
# this folder. Set before the workers import the app; a folder of this server's own
# unless one is given, emptied at start so that a previous run's figures are not added.
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="tracker-metrics-")


def on_starting(server):
    folder = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.db"):
        old.unlink()


# Python's cycle collector at its defaults (700, 10, 10) ran after every few
# hundred objects a page made: about 2.7 ms of each request's CPU, and every
# hundred requests or so a full pass over the whole process (Django, its
# templates, the translations: 190,000 objects) that stopped both of the
# process's threads for 135 ms, which the requests under way then waited out.
# Fewer, larger young collections find the same cycles (a page's objects are
# mostly freed by reference counting as it ends): about 1 ms a request, and a
# full pass once in thousands of requests, past max_requests. Measured on the
# claim list and searches of 100,000 claims, in the process (bench/page_cpu.py).
GC_THRESHOLDS = (10_000, 20, 100)


def post_worker_init(worker):
    gc.set_threshold(*GC_THRESHOLDS)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
