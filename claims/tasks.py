"""Celery tasks of the claims app: thin wrappers over ``import_jobs``."""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from .import_jobs import IMPORT_TASK, mark_failed, run_import

logger = logging.getLogger(__name__)


@shared_task(bind=True, name=IMPORT_TASK)
def run_import_task(self, job_id: int) -> None:
    try:
        rows_left = run_import(job_id)
    except SoftTimeLimitExceeded:
        rows_left = True  # the rows under way were rolled back; the next run takes them again
    except Exception:
        logger.exception("Import job %s stopped.", job_id)
        mark_failed(job_id)
        raise
    if rows_left:
        # To the queue this run came from (each queue is routed by its own name),
        # which the workers serving imports consume.
        queue = (self.request.delivery_info or {}).get("routing_key")
        self.apply_async([job_id], queue=queue)
