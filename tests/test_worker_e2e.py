"""The check pipeline end to end, with a real Celery worker subprocess on
the configured broker: a saved claim's source gets checked with nothing else
calling the task, on Redis and on the filesystem broker of ``bin/run``; on
Redis, a worker killed mid-check still ends in exactly one completed check,
and a claim saved while Redis is down is checked once it is back."""

import socket
import time
import uuid

import pytest
from django.db import transaction

from claims.services import SourceLinkData
from sources.models import Source, SourceCheck
from sources.scheduling import resend_lost_requests
from sources.services import get_or_create_source, request_check, request_checks
from tests.celery_worker import (
    TASK_SOFT_TIME_LIMIT,
    TIME_LIMIT_LATENESS,
    VISIBILITY_TIMEOUT,
    CeleryWorkerProcess,
    delete_queue,
    every_task_sent_to,
    taken_over_in_time,
    use_broker,
    wait_for,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PAGE = b"<html><head><title>Shelling report</title></head><body><article><p>%s</p></article></body></html>"
QUOTE = "At least 27 people were killed and 200 injured in the shelling of the market"


def finished_checks(source):
    return SourceCheck.objects.filter(source=source, finished_at__isnull=False)


def submit_with_source(claim_factory, url):
    claim = claim_factory(text=QUOTE, sources=[SourceLinkData(url=url, quoted_passage=QUOTE)])
    return claim.source_links.get().source


def test_a_saved_claims_source_is_checked_by_the_worker(celery_worker_process, claim_factory, loopback_server):
    loopback_server.route("/report", body=PAGE % QUOTE.encode())

    source = submit_with_source(claim_factory, loopback_server.url("/report"))

    check = wait_for(lambda: finished_checks(source).first())
    assert check is not None, "the worker never completed the check"
    source.refresh_from_db()
    assert check.requested_at == source.check_requested_at
    assert check.outcome == "ok"
    assert check.title == "Shelling report"
    assert source.latest_check_id == check.pk
    assert source.check_waiting_since is None  # no longer counted as waiting by /health/ready
    assert loopback_server.hits["/report"] == 1


def test_the_worker_re_checks_a_source_and_sees_its_text_change(celery_worker_process, claim_factory, loopback_server):
    # On SQLite, the default of bin/run, every re-check crashed the worker here.
    loopback_server.route("/report", body=PAGE % QUOTE.encode())
    source = submit_with_source(claim_factory, loopback_server.url("/report"))
    assert wait_for(lambda: finished_checks(source).exists()), "the worker never completed the first check"
    loopback_server.route("/report", body=PAGE % b"Correction: the toll stands at 32 killed")

    with transaction.atomic():
        request_check(source)

    recheck = wait_for(lambda: finished_checks(source).filter(requested_at=source.check_requested_at).first())
    assert recheck is not None, "the worker never completed the re-check"
    assert recheck.outcome == "ok"
    assert recheck.content_changed
    source.refresh_from_db()
    assert (source.health, source.latest_check_id) == ("changed", recheck.pk)


def test_a_check_past_the_soft_time_limit_is_recorded_as_timed_out(
    celery_worker_process, claim_factory, loopback_server
):
    # The worker's soft limit (tests.celery_worker), even a late one, comes before this page.
    delay = TASK_SOFT_TIME_LIMIT + TIME_LIMIT_LATENESS + 0.5
    loopback_server.route("/slower-than-the-limit", body=PAGE % QUOTE.encode(), delay=delay)

    source = submit_with_source(claim_factory, loopback_server.url("/slower-than-the-limit"))

    check = wait_for(lambda: finished_checks(source).first())
    assert check is not None, "the overrun check was left open"
    assert check.outcome == "timeout"
    assert "time limit" in check.error
    source.refresh_from_db()
    assert source.health == "failed"


def test_sources_asked_for_together_are_each_checked_once(celery_worker_process, loopback_server):
    paths = [f"/report-{n}" for n in range(5)]
    for path in paths:
        loopback_server.route(path, body=PAGE % QUOTE.encode())
    sources = [get_or_create_source(loopback_server.url(path))[0] for path in paths]

    with transaction.atomic():
        request_checks([source.pk for source in sources])

    assert wait_for(lambda: SourceCheck.objects.filter(source__in=sources, finished_at__isnull=False).count() == 5)
    assert [loopback_server.hits[path] for path in paths] == [1] * 5
    assert {check.outcome for check in SourceCheck.objects.filter(source__in=sources)} == {"ok"}


@pytest.mark.redis  # Redis hands back an unacknowledged message; the filesystem broker leaves it to the sweep
def test_a_worker_killed_mid_check_still_ends_in_one_completed_check(celery_worker_process, loopback_server):
    # One batch: a slow page and two quick ones, so the worker dies with some
    # of its pages fetched and none of its checks recorded.
    loopback_server.route("/slow", body=PAGE % QUOTE.encode(), delay=3.0)
    paths = ["/slow", "/quick-1", "/quick-2"]
    for path in paths[1:]:
        loopback_server.route(path, body=PAGE % QUOTE.encode())
    sources = [get_or_create_source(loopback_server.url(path))[0] for path in paths]
    with transaction.atomic():
        request_checks([source.pk for source in sources])
    requests = dict(Source.objects.filter(pk__in=[s.pk for s in sources]).values_list("pk", "check_requested_at"))
    assert wait_for(lambda: loopback_server.hits["/slow"] == 1, timeout=20), "the worker never started the check"
    killed_at = time.monotonic()

    celery_worker_process.kill()  # SIGKILL to the main process and its prefork children
    loopback_server.route("/slow", body=PAGE % QUOTE.encode())  # answers at once from now on
    assert SourceCheck.objects.filter(source__in=sources, finished_at__isnull=True).count() == 3

    # Path back: Redis redelivery. The killed worker never acknowledged the
    # message; a worker starting after the visibility timeout puts it back on
    # the queue, and since the checks' lease (the task's hard time limit,
    # shorter than the visibility timeout) has run out, the new worker claims
    # the started rows again and completes them.
    time.sleep(max(0.0, VISIBILITY_TIMEOUT + 1 - (time.monotonic() - killed_at)))
    celery_worker_process.start()

    assert wait_for(lambda: not SourceCheck.objects.filter(source__in=sources, finished_at__isnull=True).exists()), (
        "the redelivered message was never checked"
    )
    time.sleep(1)  # room for a (wrong) second completion to show up
    for source in sources:
        assert list(SourceCheck.objects.filter(source=source).values_list("requested_at", flat=True)) == [
            requests[source.pk]
        ]
    assert loopback_server.hits["/slow"] == 2


def closed_port() -> int:
    """A local TCP port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def redis_down(celery_worker_process, settings):
    """Point this process's broker at a closed port (the worker keeps the
    real Redis); call the result to bring Redis back."""
    real_url = settings.CELERY_BROKER_URL
    use_broker(settings, f"redis://127.0.0.1:{closed_port()}/0")
    yield lambda: use_broker(settings, real_url)
    use_broker(settings, real_url)


@pytest.mark.redis
def test_a_claim_saved_while_redis_is_down_is_checked_once_it_is_back(
    redis_down, claim_factory, loopback_server, settings
):
    loopback_server.route("/report", body=PAGE % QUOTE.encode())

    started = time.monotonic()
    source = submit_with_source(claim_factory, loopback_server.url("/report"))
    assert time.monotonic() - started < 5, "saving the claim waited long on the dead broker"

    source.refresh_from_db()
    assert source.check_requested_at is not None
    assert source.claim_links.count() == 1
    time.sleep(1)
    assert not SourceCheck.objects.filter(source=source).exists()
    assert loopback_server.hits["/report"] == 0

    redis_down()  # Redis is back
    settings.SOURCE_CHECK_SWEEP_GRACE = 0
    assert resend_lost_requests() == 1

    check = wait_for(lambda: finished_checks(source).first())
    assert check is not None, "the swept request was never checked"
    assert check.requested_at == source.check_requested_at
    assert SourceCheck.objects.filter(source=source).count() == 1


def test_a_killed_workers_checks_are_taken_over_by_another_within_30_seconds(
    worker_environment, loopback_server, tmp_path, settings
):
    # Time limits, fetch deadlines and a visibility timeout longer than the test: only the lease brings the checks back.
    env = {
        **worker_environment,
        "CELERY_TASK_SOFT_TIME_LIMIT": "150",
        "CELERY_TASK_TIME_LIMIT": "180",
        "CELERY_VISIBILITY_TIMEOUT": "600",
        "FETCH_READ_TIMEOUT": "150",
        "FETCH_TOTAL_TIMEOUT": "150",
    }
    queue = f"e2e-{uuid.uuid4().hex}"
    first, second = (CeleryWorkerProcess(queue, env, tmp_path / f"worker-{n}.log") for n in (1, 2))
    # A batch whose pages keep the first worker busy until it is killed.
    paths = ["/slow-1", "/slow-2", "/slow-3"]
    for path in paths:
        loopback_server.route(path, body=PAGE % QUOTE.encode(), delay=120)
    sources = [get_or_create_source(loopback_server.url(path))[0] for path in paths]
    running = SourceCheck.objects.filter(source__in=sources, finished_at__isnull=True)
    try:
        with every_task_sent_to(queue):
            first.start()
            with transaction.atomic():
                request_checks([source.pk for source in sources])
            assert wait_for(lambda: running.count() == 3, timeout=30), "the worker never started the checks"
            second.start()  # ready before the first dies
            for path in paths:
                loopback_server.route(path, body=PAGE % QUOTE.encode())  # answers at once from now on
            first.kill()  # SIGKILL to the main process and its pool children
            killed_at = time.monotonic()
            assert running.count() == 3

            assert taken_over_in_time(running), "the killed worker's checks were not taken over within 30 s"
            print(f"taken over and done {time.monotonic() - killed_at:.1f} s after the kill")
            time.sleep(1)  # room for a (wrong) second completion to show up
    finally:
        for worker in (first, second):
            worker.stop()
            print(f"--- {worker.log_path.name} ---\n{worker.log()}")
        delete_queue(queue)
    assert SourceCheck.objects.filter(source__in=sources).count() == 3  # one check per request
    assert set(SourceCheck.objects.filter(source__in=sources).values_list("outcome", flat=True)) == {"ok"}
    assert [loopback_server.hits[path] for path in paths] == [2, 2, 2]
