"""Celery tasks of the sources app: thin wrappers that load ids and call
``sources.checking`` and ``sources.scheduling``, where the work is done."""

from celery import shared_task
from django.utils.dateparse import parse_datetime

from .checking import run_check
from .scheduling import queue_due_checks, resend_lost_requests


@shared_task(name="sources.check_source")
def check_source(source_id: int, requested_at: str) -> None:
    run_check(source_id, parse_datetime(requested_at))


@shared_task(name="sources.sweep_check_requests")
def sweep_check_requests() -> int:
    return resend_lost_requests()


@shared_task(name="sources.queue_due_checks")
def queue_due_checks_task() -> int:
    return queue_due_checks()
