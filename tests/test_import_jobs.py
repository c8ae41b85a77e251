"""The import page queues a background job (claims/import_jobs.py) instead of
importing inside the request (10,000 rows took 289 s in one request); its
page follows the progress and keeps the report once the job has ended."""

import datetime
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from claims.choices import JobStatus
from claims.import_jobs import start_import
from claims.models import Claim, Job

HEADER = "text,language,kind"


def csv_rows(count: int, refused_every: int = 0) -> bytes:
    """``count`` claims, every ``refused_every``-th in a language nobody speaks."""
    lines = [HEADER]
    for n in range(1, count + 1):
        language = "xx" if refused_every and n % refused_every == 0 else "en"
        lines.append(f"Shelling reported in village {n},{language},statement")
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.django_db
def test_the_import_page_queues_a_job_and_imports_nothing_itself(client, editor):
    client.force_login(editor)
    response = client.post(reverse("claims:import"), {"file": SimpleUploadedFile("claims.csv", csv_rows(3))})

    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == job.get_absolute_url()
    assert (job.owner, job.status, job.total, job.rows_done) == (editor, JobStatus.QUEUED, 3, 0)
    assert not Claim.objects.exists()


@pytest.mark.django_db
def test_the_job_page_shows_progress_and_polls_until_the_end(client, editor):
    job = start_import(editor, "claims.csv", csv_rows(10))
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING,
        rows_done=4,
        rows_refused=1,
        started_at=timezone.now() - datetime.timedelta(seconds=80),
    )
    client.force_login(editor)

    page = client.get(job.get_absolute_url()).content.decode()
    assert '<progress max="10" value="4"' in page
    assert "4 of 10 rows done, 1 refused so far." in page
    # 80 s for 4 rows: 6 rows more are about 120 s.
    assert "About 120 s left." in page or "About 121 s left." in page
    assert f'hx-get="{reverse("claims:job_progress", args=[job.pk])}"' in page
    assert 'hx-trigger="every 2s"' in page

    Job.objects.filter(pk=job.pk).update(status=JobStatus.FINISHED, rows_done=10, finished_at=timezone.now())
    panel = client.get(reverse("claims:job_progress", args=[job.pk])).content.decode()
    assert "hx-get" not in panel
    assert "10 of 10 rows done" in panel


@pytest.mark.django_db
def test_my_jobs_lists_only_mine(client, editor, other_editor):
    mine = start_import(editor, "mine.csv", csv_rows(1))
    start_import(other_editor, "theirs.csv", csv_rows(1))
    client.force_login(editor)
    page = client.get(reverse("claims:job_list")).content.decode()
    assert mine.get_absolute_url() in page
    assert "theirs.csv" not in page


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_imports_every_row_in_chunks_and_the_report_stays(client, editor, celery_worker_process):
    client.force_login(editor)
    response = client.post(reverse("claims:import"), {"file": SimpleUploadedFile("claims.csv", csv_rows(60, 7))})
    job = Job.objects.get()
    assert response["Location"] == job.get_absolute_url()

    # The reviewer closes the tab: nothing polls, the worker goes on.
    deadline = time.monotonic() + 120
    while not job.ended and time.monotonic() < deadline:
        time.sleep(0.2)
        job.refresh_from_db()
    assert job.status == JobStatus.FINISHED, celery_worker_process.log()
    assert (job.rows_done, job.rows_refused, job.total) == (60, 8, 60)
    # Rows numbered as in a spreadsheet (the header is row 1), each once.
    assert list(job.rows.values_list("number", flat=True)) == list(range(2, 62))
    assert Claim.objects.count() == 52
    assert job.started_at <= job.finished_at

    page = client.get(job.get_absolute_url()).content.decode()
    assert "Imported 52 of 60 rows." in page
    assert "60 of 60 rows done, 8 refused so far." in page
    assert "hx-get" not in page
    assert f"Imported as claim {Claim.objects.order_by('pk').first().pk}" in page
