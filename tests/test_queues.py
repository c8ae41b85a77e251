"""Kinds of background work travel on queues of their own, so that none
starves another: a check a reviewer waits for is done while a backlog of
scheduled re-checks is still being worked through, by a worker of its own
(production, bin/serve) or by the one worker of bin/run, which serves every
queue."""

import time

import pytest
from django.db import transaction

from sources.models import SourceCheck
from sources.scheduling import queue_due_checks
from sources.services import get_or_create_source, request_check, request_checks
from tracker.celery import app

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PAGE = b"<html><head><title>Report</title></head><body><article><p>27 killed</p></article></body></html>"
# The backlog: enough slow re-checks to keep a worker busy well past the reviewer's wait.
BACKLOG = 60
BACKLOG_PAGE_DELAY = 0.5
REVIEWER_WAIT_LIMIT = 5.0
ALL_QUEUES = [queue.name for queue in app.conf.task_queues]


def queued_source_ids(queue: str) -> set[int]:
    """The ids of the sources whose checks wait in ``queue`` (taken off it)."""
    ids = set()
    with app.connection_for_write() as conn:
        while (message := conn.default_channel.basic_get(queue, no_ack=True)) is not None:
            (batch,), _kwargs, _options = message.decode()
            ids |= {source_id for source_id, _requested_at in batch}
    return ids


@pytest.fixture
def routed_queues_emptied():
    """The routed queues, under the tracker's own names, emptied before the test and after it."""

    def purge():
        with app.connection_for_write() as conn:
            for queue in ALL_QUEUES:
                conn.default_channel.queue_purge(queue)

    purge()
    yield
    purge()


@pytest.mark.redis  # reads the routed queues by their names on the test broker
def test_a_check_someone_waits_for_and_a_re_check_go_to_separate_queues(routed_queues_emptied, loopback_server):
    waited_for = get_or_create_source(loopback_server.url("/waited-for"))[0]
    scheduled = get_or_create_source(loopback_server.url("/scheduled"))[0]
    scheduled.next_check_at = scheduled.created_at
    scheduled.save(update_fields=["next_check_at"])

    with transaction.atomic():
        request_check(waited_for)
    queue_due_checks()

    assert queued_source_ids("checks-now") == {waited_for.pk}
    assert queued_source_ids("rechecks") == {scheduled.pk}


@pytest.mark.e2e
@pytest.mark.parametrize(
    "layout",
    [
        pytest.param([["checks-now"], ["rechecks"]], id="a worker per queue"),
        pytest.param([ALL_QUEUES], id="one worker for all queues"),
    ],
)
def test_a_reviewers_check_is_done_while_re_checks_queue_up(celery_workers, loopback_server, settings, layout):
    settings.SOURCE_CHECK_BATCH_SIZE = 1  # a message per re-check, as a backlog of many batches
    loopback_server.route("/backlog", body=PAGE, delay=BACKLOG_PAGE_DELAY)
    loopback_server.route("/reviewer", body=PAGE)
    backlog = [get_or_create_source(loopback_server.url(f"/backlog?n={n}"))[0].pk for n in range(BACKLOG)]
    with transaction.atomic():
        request_checks(backlog)
    for queues in layout:
        celery_workers(queues)
    reviewers = get_or_create_source(loopback_server.url("/reviewer"))[0]

    asked_at = time.monotonic()
    with transaction.atomic():
        request_check(reviewers)
    deadline = asked_at + REVIEWER_WAIT_LIMIT
    while not SourceCheck.objects.filter(source=reviewers, finished_at__isnull=False).exists():
        assert time.monotonic() < deadline, f"the reviewer's check was not done within {REVIEWER_WAIT_LIMIT} s"
        time.sleep(0.1)

    re_checks_done = SourceCheck.objects.filter(source_id__in=backlog, finished_at__isnull=False).count()
    assert re_checks_done < BACKLOG, "the backlog was gone before the reviewer asked: the test proved nothing"
