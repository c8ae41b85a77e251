"""Importing through the page: post the file, then run its job here, in
this process and the test's transaction (the worker's own code, without a
worker: tests/test_import_jobs.py runs one), and read the job's page."""

from django.urls import reverse

from claims.import_jobs import run_import
from claims.models import Job


def import_through_page(client, upload, **options):
    """The job page's response once the import of ``upload`` (with the
    form's ``options``) has ended, or the import page's response when the
    file was refused as a whole."""
    response = client.post(reverse("claims:import"), {"file": upload, **options})
    if response.status_code != 302:
        return response
    job = Job.objects.latest("pk")
    while not job.ended:
        run_import(job.pk)
        job.refresh_from_db()
    return client.get(response["Location"])


def report_of(response) -> dict:
    """The job's rows by number, from its page."""
    rows = response.context.get("rows")
    assert rows is not None, response.context["form"].errors
    return {row.number: row for row in rows}
