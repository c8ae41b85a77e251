"""Whether this site can do its work, part by part: what ``/health/ready`` answers.

Every part answers within ``HEALTH_TIMEOUT`` seconds (a statement timeout on
PostgreSQL, short socket timeouts to the broker) with a few indexed queries,
so that a monitor may poll every second. A part's report holds fixed words and
numbers only, never host names, URLs or error texts (which may carry a
password): the endpoints need no login.
"""

import time

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import Max
from django.utils import timezone

from sources.models import Source
from tracker.celery import app
from tracker.database import limit_statements_of_this_transaction

from .models import WorkerHeartbeat

NOT_REACHABLE = "not reachable"


def readiness() -> dict:
    """Each part's report, and the names of those that fail."""
    parts = {**_database_parts(), "broker": _broker()}
    failing = [name for name, part in parts.items() if not part["ok"]]
    return {"status": "failing" if failing else "ok", "failing": failing, "checks": parts}


def _database_parts() -> dict:
    """The database, and what is read from it: when a worker was last heard
    from, and how long the oldest check request has waited."""
    started = time.monotonic()
    try:
        with transaction.atomic():
            limit_statements_of_this_transaction(settings.HEALTH_TIMEOUT)
            last_heard = WorkerHeartbeat.objects.aggregate(latest=Max("seen_at"))["latest"]
            oldest_request = Source.objects.oldest_waiting_request()
    except DatabaseError:
        unknown = {"ok": False, "error": "database not reachable"}
        return {"database": {"ok": False, "error": NOT_REACHABLE}, "worker": unknown, "check_requests": unknown}
    now = timezone.now()
    return {
        "database": {"ok": True, "milliseconds": round((time.monotonic() - started) * 1000, 1)},
        "worker": _worker(last_heard, now),
        "check_requests": _check_requests(oldest_request, now),
    }


def _worker(last_heard, now) -> dict:
    if last_heard is None:
        return {"ok": False, "error": "no worker running"}
    silent = (now - last_heard).total_seconds()
    limit = settings.HEALTH_WORKER_SILENCE_LIMIT
    if silent > limit:
        return {"ok": False, "error": f"no worker heard from in {limit} s", "seconds_since_heard": round(silent)}
    return {"ok": True, "seconds_since_heard": round(silent)}


def _check_requests(oldest_request, now) -> dict:
    waited = 0 if oldest_request is None else max(0, round((now - oldest_request).total_seconds()))
    limit = settings.HEALTH_CHECK_REQUEST_WAIT_LIMIT
    if waited > limit:
        return {"ok": False, "error": f"a check request waited over {limit} s", "oldest_waiting_seconds": waited}
    return {"ok": True, "oldest_waiting_seconds": waited}


def _broker() -> dict:
    timeout = settings.HEALTH_TIMEOUT
    options = {**settings.CELERY_BROKER_TRANSPORT_OPTIONS, "socket_connect_timeout": timeout, "socket_timeout": timeout}
    started = time.monotonic()
    try:
        with app.connection_for_write(transport_options=options, connect_timeout=timeout) as broker:
            broker.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=timeout)
    except Exception:
        return {"ok": False, "error": NOT_REACHABLE}
    return {"ok": True, "milliseconds": round((time.monotonic() - started) * 1000, 1)}
