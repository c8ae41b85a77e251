"""Imports run in the background, in chunks, followed from a page.

The page stores the file in a ``Job`` and queues ``IMPORT_TASK``. Each run of
the task imports rows for at most ``CHUNK_SECONDS`` (well inside the task's
soft time limit: 10,000 rows take minutes) and then queues the next run, so
a job of any size is many short tasks. Rows go in transactions of
``IMPORT_ROWS_PER_TRANSACTION`` (``importing.import_rows``), each together
with its rows' ``JobRow``s (their claims or their errors) and the job's
counts, so a worker that dies mid-transaction leaves its rows undone, and
the run that takes over (the message is redelivered, acknowledged late)
skips every row already recorded: each row of the file is accounted for
once, by its number.

``manage.py import_claims`` stays synchronous (``importing.import_claims``).
"""

import io
import time

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from sources.services import checks_sent_together

from .choices import JobKind, JobStatus
from .importing import import_rows, parse_file
from .models import Job, JobRow
from .permissions import Action, require

# Sent by name, so that queuing a job does not import the tasks module; its
# ``imports.`` prefix routes it to the imports queue (tracker/settings.py).
IMPORT_TASK = "imports.run_import"


def chunk_seconds() -> float:
    """How long one run of the task imports before handing over: a third
    of the soft time limit, so that a slow last row still ends in time."""
    return settings.CELERY_TASK_SOFT_TIME_LIMIT / 3


def start_import(user, file_name: str, content: bytes, *, keep_duplicates: bool = False) -> Job:
    """Read the file (raising ``ImportFileError`` if it cannot be read as a
    whole) and queue a job importing its rows as ``user``'s claims
    (``importing.import_row`` says what ``keep_duplicates`` keeps)."""
    require(user, Action.IMPORT_CLAIMS)
    rows = parse_file(file_name, io.BytesIO(content))
    job = Job.objects.create(
        kind=JobKind.IMPORT,
        owner=user,
        file_name=file_name[:255],
        content=content,
        keep_duplicates=keep_duplicates,
        total=len(rows),
    )
    transaction.on_commit(lambda: current_app.send_task(IMPORT_TASK, args=[job.pk]))
    return job


def run_import(job_id: int) -> bool:
    """Import the job's next rows for up to ``chunk_seconds``; mark the job
    finished when none is left. Whether rows are left for another run."""
    job = Job.objects.get(pk=job_id)
    if job.ended:
        return False  # a message sent twice
    if job.started_at is None:
        Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, started_at=timezone.now())
    done = set(job.rows.values_list("number", flat=True))
    waiting = [row for row in parse_file(job.file_name, io.BytesIO(bytes(job.content))) if row.number not in done]
    deadline = time.monotonic() + chunk_seconds()
    size = settings.IMPORT_ROWS_PER_TRANSACTION
    taken = 0
    with checks_sent_together():
        while taken < len(waiting) and time.monotonic() < deadline:
            _import_some(job, waiting[taken : taken + size])
            taken += size
    if taken < len(waiting):
        return True
    Job.objects.filter(pk=job.pk).update(status=JobStatus.FINISHED, finished_at=timezone.now())
    return False


def _import_some(job: Job, rows) -> None:
    with transaction.atomic():
        results = import_rows(job.owner, rows, keep_duplicates=job.keep_duplicates)
        JobRow.objects.bulk_create(
            JobRow(job=job, number=result.number, claim=result.claim, errors=result.errors) for result in results
        )
        refused = sum(result.claim is None for result in results)
        Job.objects.filter(pk=job.pk).update(
            rows_done=F("rows_done") + len(results), rows_refused=F("rows_refused") + refused
        )


def mark_failed(job_id: int) -> None:
    """The job stopped on an error no row explains; what it did stays recorded."""
    Job.objects.filter(pk=job_id).update(status=JobStatus.FAILED, finished_at=timezone.now())


def time_left(job: Job) -> float | None:
    """Seconds the job should still take, at its pace so far; None until it has one."""
    if job.ended or job.started_at is None or not job.rows_done:
        return None
    elapsed = (timezone.now() - job.started_at).total_seconds()
    return elapsed / job.rows_done * (job.total - job.rows_done)
