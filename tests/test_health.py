"""``/health/live`` and ``/health/ready``: JSON, no login, 200 or 503 naming
the failing part, bounded in time and cheap enough to poll every second."""

import socket
import time
from datetime import timedelta

import httpx
import pytest
from django.db import connection
from django.utils import timezone

from operations.models import WorkerHeartbeat
from sources.models import Source
from sources.services import get_or_create_source, request_checks
from tests.celery_worker import use_broker

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def worker_heard_from():
    return WorkerHeartbeat.objects.create(hostname="celery@tests", seen_at=timezone.now())


@pytest.fixture
def broker_at(settings):
    """Point this process's broker at another URL for the test."""
    real_url = settings.CELERY_BROKER_URL
    yield lambda url: use_broker(settings, url)
    use_broker(settings, real_url)


def test_live_answers_ok(client):
    answer = client.get("/health/live")
    assert answer.status_code == 200
    assert answer.json() == {"status": "ok"}


def test_ready_answers_ok_with_every_part_fine_in_a_few_queries(
    client, worker_heard_from, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):  # transaction, statement timeout, heartbeat, oldest request
        answer = client.get("/health/ready")
    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert body["status"] == "ok"
    assert body["failing"] == []
    assert set(body["checks"]) == {"database", "broker", "worker", "check_requests"}
    assert body["checks"]["check_requests"]["oldest_waiting_seconds"] == 0
    assert answer["Cache-Control"].startswith("max-age=0")


@pytest.mark.redis
def test_a_closed_broker_port_makes_ready_fail_naming_the_broker_and_not_its_address(
    client, worker_heard_from, broker_at
):
    port = closed_port()
    broker_at(f"redis://:secret-password@127.0.0.1:{port}/0")
    answer = client.get("/health/ready")
    assert answer.status_code == 503
    assert answer.json()["failing"] == ["broker"]
    assert answer.json()["checks"]["broker"] == {"ok": False, "error": "not reachable"}
    assert str(port) not in answer.content.decode()
    assert "secret-password" not in answer.content.decode()


@pytest.mark.redis
def test_a_broker_that_never_answers_is_reported_within_the_health_timeout(client, worker_heard_from, broker_at):
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        broker_at(f"redis://127.0.0.1:{listener.getsockname()[1]}/0")
        started = time.monotonic()
        answer = client.get("/health/ready")
        elapsed = time.monotonic() - started
    assert answer.status_code == 503
    assert answer.json()["failing"] == ["broker"]
    assert elapsed < 2.5, f"ready took {elapsed:.1f} s with a silent broker"


def test_no_worker_ever_heard_from_makes_ready_fail(client):
    answer = client.get("/health/ready")
    assert answer.status_code == 503
    assert answer.json()["failing"] == ["worker"]
    assert answer.json()["checks"]["worker"]["error"] == "no worker running"


def test_a_worker_silent_for_over_a_minute_makes_ready_fail(client, settings):
    WorkerHeartbeat.objects.create(hostname="celery@gone", seen_at=timezone.now() - timedelta(seconds=90))
    answer = client.get("/health/ready")
    assert answer.status_code == 503
    assert answer.json()["failing"] == ["worker"]
    assert answer.json()["checks"]["worker"]["seconds_since_heard"] >= 90


def test_a_check_request_waiting_too_long_makes_ready_fail_with_its_age(client, worker_heard_from, settings):
    source, _ = get_or_create_source("https://news.example/report")
    request_checks([source.pk], requested_at=timezone.now() - timedelta(hours=1))
    request_checks([get_or_create_source("https://news.example/newer")[0].pk])  # the newer does not hide the older

    answer = client.get("/health/ready")
    assert answer.status_code == 503
    assert answer.json()["failing"] == ["check_requests"]
    assert 3590 <= answer.json()["checks"]["check_requests"]["oldest_waiting_seconds"] <= 3700


@pytest.mark.postgresql
def test_the_oldest_waiting_request_is_read_from_a_partial_index():
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # the test's tables are too small to want an index
        plan = Source.objects.filter(check_waiting_since__isnull=False).order_by("check_waiting_since")[:1].explain()
    assert "source_check_waiting" in plan


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_is_heard_from_and_forgotten_when_it_stops(celery_worker_process, client):
    heartbeat = WorkerHeartbeat.objects.filter(seen_at__gte=timezone.now() - timedelta(seconds=30))
    deadline = time.monotonic() + 10
    while not heartbeat.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert heartbeat.exists(), "the worker wrote no heartbeat"
    assert client.get("/health/ready").status_code == 200

    celery_worker_process.stop()
    assert not WorkerHeartbeat.objects.exists()
    assert client.get("/health/ready").json()["failing"] == ["worker"]


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_live_needs_no_database_and_ready_names_it(start_web_process):
    web = start_web_process(DATABASE_URL=f"postgres://postgres@127.0.0.1:{closed_port()}/tracker", WEB_CONCURRENCY="1")
    assert httpx.get(f"{web.url}/health/live", timeout=5).status_code == 200
    answer = httpx.get(f"{web.url}/health/ready", timeout=5)
    assert answer.status_code == 503
    assert "database" in answer.json()["failing"]
    assert answer.json()["checks"]["database"] == {"ok": False, "error": "not reachable"}
