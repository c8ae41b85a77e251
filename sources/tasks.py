"""Celery tasks of the sources app: thin wrappers that load ids and call
``sources.checking`` and ``sources.scheduling``, where the work is done."""

from celery import shared_task
from django.conf import settings
from django.utils.dateparse import parse_datetime

from .checking import run_checks
from .retention import prune_history
from .scheduling import queue_due_checks, resend_abandoned_checks, resend_lost_requests
from .services import CHECK_NOW_TASK, CHECK_TASK


@shared_task(name=CHECK_TASK)
def check_sources(requests: list) -> None:
    """Check the sources of a batch of ``[source_id, requested_at]`` requests."""
    run_checks([(source_id, parse_datetime(requested_at)) for source_id, requested_at in requests])


@shared_task(name=CHECK_NOW_TASK)
def check_sources_now(requests: list) -> None:
    """The same, for checks someone is waiting for: a task of its own, so that
    it is routed to a queue of its own (``CELERY_TASK_ROUTES``)."""
    check_sources(requests)


@shared_task(name="sources.sweep_check_requests")
def sweep_check_requests() -> int:
    return resend_lost_requests()


@shared_task(name="sources.take_over_abandoned_checks")
def take_over_abandoned_checks() -> int:
    return resend_abandoned_checks()


@shared_task(name="sources.queue_due_checks")
def queue_due_checks_task() -> int:
    return queue_due_checks()


@shared_task(name="sources.prune_check_history")
def prune_check_history(after_id: int = 0) -> int:
    """Prune the check history of the sources after ``after_id`` for about
    ``SOURCE_HISTORY_TASK_SECONDS``, then queue the rest as another task;
    returns how many checks were pruned."""
    pruned, cursor = prune_history(after_id, seconds=settings.SOURCE_HISTORY_TASK_SECONDS)
    if cursor is not None:
        prune_check_history.delay(cursor)
    return pruned.checks
