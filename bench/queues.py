"""How long a reviewer waits for a check while the day's re-checks are queued.

    python bench/queues.py [--backlog 50000] [--asks 10] [--layout per-queue|single]

Creates BACKLOG sources on a local HTTP server and asks for their re-checks
as the schedule does (``request_checks``: the ``rechecks`` queue, 50 to a
message), then starts the workers: ``per-queue`` as in production (the
Procfile: a worker for ``checks-now``, another for ``rechecks``), ``single``
as ``bin/run`` (one worker serving every queue). Then a reviewer asks for a
check of one new source every two seconds, ASKS times, and the time from the
request to the finished check is printed for each, with the largest, against
the 5 s the issue allows, and how many re-checks were done meanwhile and are
still queued. The re-checks left are dropped at the end.

The queues are the tracker's (``CELERY_TASK_ROUTES``) under names of the
run's own, so a running worker never takes them. Runs against DATABASE_URL
(default: a ``tracker_bench`` database, created and migrated if missing) and
the Redis of REDIS_URL / CELERY_BROKER_URL.
"""

import argparse
import os
import signal
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from source_checks import DEFAULT_DATABASE_URL, create_sources, setup_django, start_server, start_worker, stop_worker

WAIT_LIMIT = 5.0
LAYOUTS = {
    "per-queue": [("checks-now", 1), ("rechecks", 2)],  # (queues, processes)
    "single": [("checks-now,imports,notifications,rechecks", 2)],
}


def route_to_queues_named(prefix: str) -> None:
    """Send every task to its routed queue, with ``prefix`` before its name."""
    from django.conf import settings

    routes = {task: {**route, "queue": prefix + route["queue"]} for task, route in settings.CELERY_TASK_ROUTES.items()}
    settings.CELERY_TASK_ROUTES = (routes, {"*": {"queue": prefix + settings.CELERY_TASK_DEFAULT_QUEUE}})


def queue_length(queue: str) -> int:
    from tracker.celery import app

    with app.connection_for_write() as conn:
        return conn.default_channel.queue_declare(queue, passive=True).message_count


def reviewer_waits(port: int, run_id: str, asks: int, backlog_ids) -> list[float]:
    """Seconds from each reviewer's request to its finished check."""
    from django.db import transaction

    from sources.models import SourceCheck
    from sources.services import get_or_create_source, request_check

    waits = []
    for n in range(asks):
        source = get_or_create_source(f"http://127.0.0.1:{port}/{run_id}/reviewer-{n}")[0]
        asked = time.perf_counter()
        with transaction.atomic():
            request_check(source)
        done = SourceCheck.objects.filter(source=source, finished_at__isnull=False)
        while not done.exists():
            if time.perf_counter() - asked > 120:
                raise SystemExit(f"The reviewer's check {n} was not done in 120 s.")
            time.sleep(0.02)
        waits.append(time.perf_counter() - asked)
        rechecked = SourceCheck.objects.filter(
            source_id__gte=backlog_ids[0], source_id__lte=backlog_ids[-1], finished_at__isnull=False
        ).count()
        print(f"  reviewer's check {n + 1}: {waits[-1]:.2f} s (re-checks done so far: {rechecked})", flush=True)
        time.sleep(max(0.0, 2.0 - waits[-1]))
    return waits


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backlog", type=int, default=50_000, help="re-checks queued before the reviewer asks")
    parser.add_argument("--asks", type=int, default=10, help="reviewer's checks, one every two seconds")
    parser.add_argument("--layout", choices=sorted(LAYOUTS), default="per-queue")
    args = parser.parse_args()
    server, port = start_server()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # unwinds, so the workers are stopped too
    media_root = tempfile.mkdtemp(prefix="bench-media-")
    prefix = f"bench-{uuid.uuid4().hex[:8]}-"
    os.environ.setdefault("LOG_LEVEL", "WARNING")  # not a line per message queued
    setup_django(os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL), media_root, None)
    route_to_queues_named(prefix)

    from django.db import transaction

    from sources.services import request_checks
    from tracker.celery import app

    run_id = uuid.uuid4().hex[:8]
    started = time.perf_counter()
    backlog = create_sources(f"http://127.0.0.1:{port}/{run_id}/article-{i}" for i in range(args.backlog))
    backlog_ids = sorted(source.pk for source in backlog)
    with transaction.atomic():
        request_checks(backlog_ids)
    queued = queue_length(prefix + "rechecks")
    print(f"{args.backlog} re-checks queued in {queued} messages ({time.perf_counter() - started:.1f} s)")

    workers = []
    try:
        for n, (queues, processes) in enumerate(LAYOUTS[args.layout]):
            names = ",".join(prefix + queue for queue in queues.split(","))
            log_path = Path(media_root) / f"worker-{n}.log"
            workers.append(start_worker(names, "prefork", processes, log_path, 600))
            print(f"worker {n}: {processes} process(es) serving {queues}")
        waits = reviewer_waits(port, run_id, args.asks, backlog_ids)
        left = queue_length(prefix + "rechecks")
    finally:
        for worker in workers:
            stop_worker(worker)
        with app.connection_for_write() as conn:
            for queue in app.conf.task_queues:
                conn.default_channel.queue_delete(prefix + queue.name)
        server.terminate()

    print(f"layout={args.layout} backlog={args.backlog} asks={args.asks}")
    print(
        f"reviewer's check: median {statistics.median(waits):.2f} s, largest {max(waits):.2f} s "
        f"(limit {WAIT_LIMIT:.0f} s: {'held' if max(waits) <= WAIT_LIMIT else 'NOT held'})"
    )
    print(f"re-check messages still queued at the end: {left} of {queued}")


if __name__ == "__main__":
    main()
