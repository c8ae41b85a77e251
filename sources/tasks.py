"""Celery tasks of the sources app: thin wrappers that load ids and call
``sources.checking``, where the work is done."""

from celery import shared_task
from django.utils.dateparse import parse_datetime

from .checking import run_check


@shared_task(name="sources.check_source", acks_late=True)
def check_source(source_id: int, requested_at: str) -> None:
    run_check(source_id, parse_datetime(requested_at))
