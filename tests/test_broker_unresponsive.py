"""A broker that accepts connections but never answers (a hung Redis, a
half-open network path) must not hang the request that saves a claim: the
publish gives up within its timeouts and the sweep sends the check later."""

import logging
import os
import signal
import socket
import subprocess
import time

import pytest
import redis
from django.utils import timezone

from claims.services import SourceLinkData
from sources.models import Source
from sources.services import publish_checks
from tests.celery_worker import use_broker

pytestmark = [pytest.mark.django_db, pytest.mark.redis]


@pytest.fixture
def silent_broker(settings):
    """A local port whose listener takes connections and never says a word."""
    real_url = settings.CELERY_BROKER_URL
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        use_broker(settings, f"redis://127.0.0.1:{listener.getsockname()[1]}/0")
        yield
    use_broker(settings, real_url)


def test_publishing_to_a_silent_broker_gives_up_quickly(silent_broker):
    started = time.monotonic()
    assert publish_checks([(source_id, timezone.now()) for source_id in range(100)]) == 0
    assert time.monotonic() - started < 15


@pytest.fixture
def stoppable_redis(settings):
    """A redis-server of the test's own on a free loopback port, this
    process publishing to it; ``SIGSTOP`` hangs it as a stuck server would
    (connections taken, nothing answered). Never the shared Redis."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port, socket_connect_timeout=0.5)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)
    real_url = settings.CELERY_BROKER_URL
    use_broker(settings, f"redis://127.0.0.1:{port}/0")
    server.port = port
    yield server
    os.kill(server.pid, signal.SIGCONT)
    server.terminate()
    server.wait(timeout=10)
    use_broker(settings, real_url)


def wait_for_line(caplog, text, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(text in record.getMessage() for record in caplog.records):
            return True
        time.sleep(0.1)
    return False


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_hung_redis_holds_no_save_over_a_second_and_its_outage_is_told_once(stoppable_redis, claim_factory, caplog):
    caplog.set_level(logging.WARNING, logger="tracker.publishing")
    claim_factory(sources=[SourceLinkData(url="https://news.example/before")])  # a connection in the pool, as in use
    # Once its message is in, the publisher has nothing left of an earlier test's broker.
    broker = redis.Redis(port=stoppable_redis.port)
    deadline = time.monotonic() + 60
    while not broker.llen("checks-now"):
        assert time.monotonic() < deadline, "the first claim's check never reached the broker"
        time.sleep(0.1)
    caplog.clear()
    os.kill(stoppable_redis.pid, signal.SIGSTOP)

    for n in range(3):
        started = time.monotonic()
        claim_factory(sources=[SourceLinkData(url=f"https://news.example/during-{n}")])
        assert time.monotonic() - started < 1.0, f"save {n} waited on the hung broker"
    assert Source.objects.filter(url__contains="during-", check_requested_at__isnull=False).count() == 3

    assert wait_for_line(caplog, "does not take messages", timeout=40), "the outage was never logged"
    os.kill(stoppable_redis.pid, signal.SIGCONT)
    claim_factory(sources=[SourceLinkData(url="https://news.example/after")])
    assert wait_for_line(caplog, "takes messages again", timeout=40), "the outage's end was never logged"

    lines = [record for record in caplog.records if record.name == "tracker.publishing"]
    assert [("again" in record.getMessage()) for record in lines] == [False, True]
    assert all(record.exc_info is None for record in lines)  # a line each, no traceback
