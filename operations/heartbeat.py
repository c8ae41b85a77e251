"""A Celery worker's heartbeat: a thread in the worker's main process that
records every ``WORKER_HEARTBEAT_INTERVAL`` seconds that the worker is alive
and reaches the database, whatever its queue holds (a worker busy with a long
batch still beats). ``/health/ready`` reads it (``operations/health.py``).

Started and stopped by Celery's ``worker_ready`` and ``worker_shutdown``
signals, connected in ``tracker/celery.py``.
"""

import logging
import threading

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

from .models import WorkerHeartbeat

logger = logging.getLogger(__name__)

_stop = threading.Event()


def beat(hostname: str) -> None:
    """Record that the worker ``hostname`` is alive now."""
    WorkerHeartbeat.objects.update_or_create(hostname=hostname, defaults={"seen_at": timezone.now()})


def start(hostname: str) -> threading.Thread:
    """Beat now and then every interval, in a daemon thread, until ``stop``."""
    _stop.clear()
    thread = threading.Thread(target=_beat_until_stopped, args=(hostname,), name="heartbeat", daemon=True)
    thread.start()
    return thread


def stop(hostname: str) -> None:
    """End the beating and remove the worker's row: it is gone, not silent."""
    _stop.set()
    try:
        WorkerHeartbeat.objects.filter(hostname=hostname).delete()
    except Exception:
        logger.warning("Could not remove the heartbeat of %s.", hostname)
    finally:
        connection.close()


def _beat_until_stopped(hostname: str) -> None:
    failing = False
    while not _stop.is_set():
        close_old_connections()  # a connection the database dropped is not reused
        try:
            beat(hostname)
        except Exception:
            if not failing:
                logger.warning("The heartbeat of %s cannot reach the database; retrying.", hostname)
            failing = True
        else:
            if failing:
                logger.warning("The heartbeat of %s reaches the database again.", hostname)
            failing = False
        _stop.wait(settings.WORKER_HEARTBEAT_INTERVAL)
    connection.close()
