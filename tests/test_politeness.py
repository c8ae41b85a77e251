"""Politeness towards the hosts we fetch from, against the loopback server:
a per-host limit on requests at once and per second, shared by every worker;
a server's Retry-After honoured as a deferral, not a failure; a source that
keeps failing tried again less and less often."""

import os
import threading
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from sources.choices import CheckOutcome, SourceHealth
from sources.fetch import fetch
from sources.models import Source, SourceCheck
from sources.scheduling import queue_due_checks
from sources.services import get_or_create_source, request_checks
from tests import test_source_checks as checks_module
from tests.test_source_checks import QUOTE, check_now, page

linked_claim, _media = checks_module.linked_claim, checks_module._media


@pytest.mark.e2e
@pytest.mark.redis
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_200_checks_of_one_host_queued_together_keep_to_its_limit(
    polite_worker_env, celery_worker_process, loopback_server, settings
):
    settings.SOURCE_CHECK_BATCH_SIZE = 10  # twenty messages, each short enough for the test worker's time limit
    paths = [f"/story-{n}" for n in range(200)]
    for path in paths:
        loopback_server.route(path, body=page(QUOTE), delay=0.005)
    sources = [get_or_create_source(loopback_server.url(path))[0] for path in paths]

    request_checks([source.pk for source in sources])
    deadline = time.monotonic() + 120
    finished = SourceCheck.objects.filter(source__in=sources, finished_at__isnull=False)
    while finished.count() < len(sources):
        assert time.monotonic() < deadline, f"{finished.count()} of {len(sources)} checks finished"
        time.sleep(0.5)

    assert all(loopback_server.hits[path] == 1 for path in paths)
    # Besides the pages, only the soft-404 probe of a random address (sources/soft_404.py): once per worker
    # process, each keeping the site's answer in its own cache (local memory), the pool as many as the cores.
    assert 1 <= loopback_server.total_hits - len(paths) <= (os.cpu_count() or 1)
    assert loopback_server.most_answered_at_once <= 3
    assert loopback_server.most_answered_at_once >= 2  # held to the limit, not to a queue of one
    assert set(finished.values_list("outcome", flat=True)) == {CheckOutcome.OK}


@pytest.fixture
def polite_worker_env(monkeypatch, settings):
    """The worker started after this keeps to 3 requests at once per host (two processes, 50 fetch threads each)."""
    monkeypatch.setenv("FETCH_HOST_CONCURRENCY", "3")
    monkeypatch.setenv("FETCH_HOST_RATE", "1000/second")


@pytest.mark.django_db
def test_requests_to_one_host_in_many_threads_keep_to_its_limits(settings, loopback_server, allow_loopback):
    settings.FETCH_HOST_CONCURRENCY = 2
    settings.FETCH_HOST_RATE = "20/second"
    loopback_server.route("/slow", body=b"<p>x</p>", delay=0.05)
    results = []

    def fetch_one():
        results.append(fetch(loopback_server.url("/slow")).outcome)

    threads = [threading.Thread(target=fetch_one) for _ in range(30)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert results == [CheckOutcome.OK] * 30
    assert loopback_server.most_answered_at_once == 2
    assert time.monotonic() - started >= 0.9  # 30 at 20 a second, whatever the concurrency allows


@pytest.mark.django_db
@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_defers_the_check_until_then(status, linked_claim, loopback_server, allow_loopback):
    loopback_server.route("/article", body=page(QUOTE))
    link = linked_claim().source_links.get()
    check_now(link.source)
    loopback_server.route("/article", status=status, body=b"busy", headers={"Retry-After": "120"})

    before = timezone.now()
    deferred = check_now(link.source)

    assert deferred.outcome == CheckOutcome.DEFERRED
    assert not deferred.is_success
    assert before + timedelta(seconds=119) <= deferred.retry_at <= timezone.now() + timedelta(seconds=121)
    source = Source.objects.get(pk=link.source_id)
    assert source.health == SourceHealth.OK  # what the last check that saw the page said
    assert source.next_check_at == deferred.retry_at
    hits = loopback_server.total_hits
    assert queue_due_checks() == 0  # not before then
    Source.objects.filter(pk=source.pk).update(next_check_at=timezone.now() - timedelta(seconds=1))
    assert queue_due_checks() == 1
    assert loopback_server.total_hits == hits  # the request is queued, not fetched here


@pytest.mark.django_db
def test_a_retry_after_given_as_a_date_is_read(linked_claim, loopback_server, allow_loopback):
    when = timezone.now() + timedelta(minutes=10)
    http_date = when.strftime("%a, %d %b %Y %H:%M:%S GMT")
    loopback_server.route("/article", status=503, headers={"Retry-After": http_date})

    deferred = check_now(linked_claim().source_links.get().source)

    assert deferred.outcome == CheckOutcome.DEFERRED
    assert abs((deferred.retry_at - when).total_seconds()) < 5


@pytest.mark.django_db
def test_a_503_without_retry_after_is_a_server_error(linked_claim, loopback_server, allow_loopback):
    loopback_server.route("/article", status=503)

    assert check_now(linked_claim().source_links.get().source).outcome == CheckOutcome.SERVER_ERROR


@pytest.mark.django_db
def test_a_source_that_keeps_failing_is_tried_again_less_and_less_often(
    settings, linked_claim, loopback_server, allow_loopback
):
    settings.SOURCE_RETRY_BASE = 60
    loopback_server.route("/article", status=500)
    source = linked_claim().source_links.get().source
    waits = []
    for _ in range(5):
        check = check_now(source)
        source.refresh_from_db()
        waits.append((source.next_check_at - check.finished_at).total_seconds())

    assert source.failures_in_a_row == 5
    for n, wait in enumerate(waits):
        assert 60 * 2**n * 0.89 <= wait <= 60 * 2**n * 1.11, waits
    loopback_server.route("/article", body=page(QUOTE))
    check_now(source)
    source.refresh_from_db()
    assert source.failures_in_a_row == 0


@pytest.mark.django_db
def test_a_re_check_sweep_spreads_one_outlets_sources_over_its_batches(
    queued_messages, settings, django_capture_on_commit_callbacks
):
    settings.SOURCE_CHECK_BATCH_SIZE = 10
    # Sixty due sources, created outlet by outlet: forty of one outlet, ten each of two others.
    hosts = ["big.example"] * 40 + ["small.example"] * 10 + ["other.example"] * 10
    due = timezone.now() - timedelta(minutes=1)
    Source.objects.bulk_create(
        Source(url=f"https://{host}/report/{n}", next_check_at=due) for n, host in enumerate(hosts)
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert queue_due_checks() == 60

    batches = [[Source.objects.get(pk=pk).url.split("/")[2] for pk, _at in args[0]] for args in queued_messages()]
    assert sorted(len(batch) for batch in batches) == [10] * 6
    # The hosts in turn: three batches carry all three (in the order they were created, the batches
    # would be four of the big outlet's alone and one of each other); what is left of the big one comes last.
    every_host = {"big.example", "small.example", "other.example"}
    assert sum(set(batch) == every_host for batch in batches) == 3, batches
    assert [host for batch in batches for host in batch].count("big.example") == 40
