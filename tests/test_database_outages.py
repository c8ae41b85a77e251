"""A real worker's PostgreSQL connections cut (``pg_terminate_backend``, as a
database restart or a failover does): while it idles, its next check runs on
a new connection (CONN_HEALTH_CHECKS); while a batch runs, the batch writes
what it saw again at once on a new connection, without waiting for its
checks' lease to run out, and every check ends once, none lost or left
started."""

import time

import pytest
from django.db import connection, transaction

from sources.models import SourceCheck
from sources.services import get_or_create_source, request_check, request_checks
from tests.celery_worker import wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]

PAGE = b"<html><head><title>Report</title></head><body><article><p>Six people were killed.</p></article></body></html>"


def cut_every_other_connection() -> int:
    """Terminate every connection to the test database but this test's own."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def checks_of(sources):
    return SourceCheck.objects.filter(source__in=sources)


def test_a_worker_whose_idle_connections_were_cut_checks_the_next_source(celery_worker_process, loopback_server):
    for path in ("/first", "/second"):
        loopback_server.route(path, body=PAGE)
    first, _ = get_or_create_source(loopback_server.url("/first"))
    second, _ = get_or_create_source(loopback_server.url("/second"))
    with transaction.atomic():
        request_check(first)
    assert wait_for(lambda: checks_of([first]).filter(finished_at__isnull=False).exists())

    assert cut_every_other_connection() >= 1  # the idle worker kept its connection (CONN_MAX_AGE)
    with transaction.atomic():
        request_check(second)

    assert wait_for(lambda: checks_of([second]).filter(finished_at__isnull=False).exists())
    assert list(checks_of([second]).values_list("outcome", flat=True)) == ["ok"]


def test_connections_cut_while_a_batch_runs_lose_no_check(celery_worker_process, loopback_server):
    loopback_server.route("/slow", body=PAGE, delay=1.0)
    paths = ["/slow", "/quick-1", "/quick-2"]
    for path in paths[1:]:
        loopback_server.route(path, body=PAGE)
    sources = [get_or_create_source(loopback_server.url(path))[0] for path in paths]
    with transaction.atomic():
        request_checks([source.pk for source in sources])
    assert wait_for(lambda: loopback_server.hits["/slow"] == 1), "the worker never started the batch"

    assert cut_every_other_connection() >= 1  # the batch's own connection among them
    running = checks_of(sources).filter(finished_at__isnull=True)

    # Nothing here sends abandoned checks again (no beat): only the batch
    # itself, writing what it saw again on a new connection, can end them.
    assert wait_for(lambda: not running.exists(), timeout=10), "the batch's checks were left to their lease"
    time.sleep(1.0)  # room for a (wrong) second completion to show up
    assert sorted(checks_of(sources).values_list("source", "outcome")) == sorted((s.pk, "ok") for s in sources)
