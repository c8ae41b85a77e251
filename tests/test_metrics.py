"""``/metrics`` (Prometheus) and the admins' stats page: checks by outcome,
queue lengths, workers alive, the oldest waiting check request and request
latency, read at scrape time; for a scraper holding the token or an admin only."""

import uuid
from datetime import timedelta

import httpx
import pytest
from django.test import override_settings
from django.utils import timezone
from kombu import Exchange, Queue
from prometheus_client.parser import text_string_to_metric_families

from operations.models import WorkerHeartbeat
from sources.models import Source, SourceCheck
from sources.services import get_or_create_source
from tests.celery_worker import use_broker
from tracker.celery import app

pytestmark = pytest.mark.django_db

TOKEN = "a-scraper-token-of-enough-length-1234"


def samples(text: str) -> dict:
    """``{(name, frozenset(labels.items())): value}`` of an exposition."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(text, name, **labels):
    return samples(text).get((name, frozenset(labels.items())))


def live_requests(text):
    return value(
        text, "tracker_http_request_duration_seconds_count", view="operations:live", method="GET", status="2xx"
    )


def scrape(client) -> str:
    answer = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert answer.status_code == 200, answer.content
    return answer.content.decode()


@pytest.fixture(autouse=True)
def _token(settings):
    settings.METRICS_TOKEN = TOKEN


def _check(source, outcome, *, finished_ago, waited=timedelta(seconds=4)):
    finished = timezone.now() - finished_ago
    return SourceCheck.objects.create(
        source=source, requested_at=finished - waited, started_at=finished, finished_at=finished, outcome=outcome
    )


def test_checks_are_counted_by_outcome_in_all_and_in_the_last_hour(client):
    source, _ = get_or_create_source("https://news.example.org/report")
    _check(source, "ok", finished_ago=timedelta(minutes=5))
    _check(source, "ok", finished_ago=timedelta(hours=3))
    _check(source, "timeout", finished_ago=timedelta(minutes=1), waited=timedelta(seconds=10))
    now = timezone.now()
    SourceCheck.objects.create(source=source, requested_at=now, started_at=now)  # running: not counted

    text = scrape(client)

    assert value(text, "tracker_source_checks_total", outcome="ok") == 2
    assert value(text, "tracker_source_checks_total", outcome="timeout") == 1
    assert value(text, "tracker_source_checks_last_hour", outcome="ok") == 1
    assert value(text, "tracker_source_checks_last_hour", outcome="timeout") == 1
    assert value(text, "tracker_source_check_wait_seconds", statistic="max") == pytest.approx(10, abs=0.01)
    assert value(text, "tracker_source_check_wait_seconds", statistic="mean") == pytest.approx(7, abs=0.01)
    assert value(text, "tracker_metrics_source_up", part="database") == 1


def test_workers_alive_and_the_oldest_waiting_request(client, settings):
    settings.HEALTH_WORKER_SILENCE_LIMIT = 60
    now = timezone.now()
    WorkerHeartbeat.objects.create(hostname="checks-now@a", seen_at=now - timedelta(seconds=5))
    WorkerHeartbeat.objects.create(hostname="rechecks@b", seen_at=now - timedelta(seconds=300))
    source, _ = get_or_create_source("https://news.example.org/waiting")
    Source.objects.filter(pk=source.pk).update(check_waiting_since=now - timedelta(seconds=42))

    text = scrape(client)

    assert value(text, "tracker_workers_alive") == 1
    assert value(text, "tracker_worker_seconds_since_heard", worker="rechecks@b") == pytest.approx(300, abs=5)
    assert value(text, "tracker_oldest_check_request_waiting_seconds") == pytest.approx(42, abs=5)


@pytest.fixture
def queues_of_this_test():
    """The tracker's queues, renamed for this test so that other tests' messages do not count."""
    names = [f"metrics-{uuid.uuid4().hex[:8]}-{n}" for n in range(2)]
    with override_settings(CELERY_TASK_QUEUES=[Queue(name, Exchange(name), routing_key=name) for name in names]):
        yield names
    with app.connection_for_write() as conn:
        for name in names:
            conn.default_channel.queue_delete(name)


def test_queue_lengths_are_read_from_the_broker(client, queues_of_this_test):
    busy, idle = queues_of_this_test
    with app.connection_for_write() as conn:
        conn.default_channel.queue_declare(idle)
        producer = conn.Producer()
        for n in range(3):
            producer.publish({"n": n}, exchange="", routing_key=busy, declare=[Queue(busy)])

    text = scrape(client)

    assert value(text, "tracker_queue_messages", queue=busy) == 3
    assert value(text, "tracker_queue_messages", queue=idle) == 0
    assert value(text, "tracker_metrics_source_up", part="broker") == 1


@pytest.mark.redis
def test_a_broker_that_does_not_answer_is_reported_not_waited_for(client, settings):
    real_url = settings.CELERY_BROKER_URL
    use_broker(settings, "redis://10.255.255.1:6379/0")  # no route: never answers
    settings.HEALTH_TIMEOUT = 0.5
    try:
        started = timezone.now()
        text = scrape(client)
        assert (timezone.now() - started).total_seconds() < 3
    finally:
        use_broker(settings, real_url)
    assert value(text, "tracker_metrics_source_up", part="broker") == 0
    assert not [key for key in samples(text) if key[0] == "tracker_queue_messages"]


def test_request_latency_is_measured_per_view(client, reviewer):
    client.force_login(reviewer)
    before = (
        value(
            scrape(client),
            "tracker_http_request_duration_seconds_count",
            view="claims:claim_list",
            method="GET",
            status="2xx",
        )
        or 0
    )

    for _ in range(3):
        assert client.get("/claims/").status_code == 200

    after = value(
        scrape(client),
        "tracker_http_request_duration_seconds_count",
        view="claims:claim_list",
        method="GET",
        status="2xx",
    )
    assert after == before + 3


@pytest.mark.parametrize(
    ("who", "authorization", "expected"),
    [
        ("anonymous", "", 403),
        ("anonymous", "Bearer wrong-token-of-enough-length-00000", 403),
        ("anonymous", f"Bearer {TOKEN}", 200),
        ("reviewer", "", 403),
        ("editor", "", 403),
        ("admin_user", "", 200),
    ],
)
def test_metrics_answer_the_token_or_an_admin_only(request, client, who, authorization, expected):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
    answer = client.get("/metrics", **headers)
    assert answer.status_code == expected
    if expected == 200:
        assert "tracker_source_checks_last_hour" in answer.content.decode()
    else:
        assert b"tracker_" not in answer.content


def test_no_token_set_means_admins_only(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 403


def test_the_stats_page_shows_admins_the_same_figures(client, admin_user, settings):
    settings.HEALTH_WORKER_SILENCE_LIMIT = 60
    source, _ = get_or_create_source("https://news.example.org/report")
    _check(source, "ok", finished_ago=timedelta(minutes=5))
    _check(source, "not_found", finished_ago=timedelta(minutes=2))
    _check(source, "connection_error", finished_ago=timedelta(minutes=1))
    WorkerHeartbeat.objects.create(hostname="checks-now@a", seen_at=timezone.now())
    client.force_login(admin_user)

    page = client.get("/operations/stats/").content.decode()

    assert 'data-figure="checks-last-hour">3<' in page
    assert 'data-figure="failures-last-hour">2<' in page
    assert 'data-outcome="not_found"' in page
    assert 'data-worker="checks-now@a"' in page
    for queue in app.conf.task_queues:
        assert f'data-queue="{queue.name}"' in page


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_every_gunicorn_process_counts_in_one_scrape(start_web_process):
    web = start_web_process(DEBUG="true", WEB_CONCURRENCY="2", WEB_THREADS="1", METRICS_TOKEN=TOKEN)
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with httpx.Client(base_url=web.url, timeout=10) as http:
        before = live_requests(http.get("/metrics", headers=auth).text)  # the start-up's readiness probes
        for _ in range(40):
            # A new connection each time, so that both processes take requests.
            assert http.get("/health/live", headers={"Connection": "close"}).status_code == 200
        scrapes = [http.get("/metrics", headers=auth).text for _ in range(4)]

    # Whichever process answers a scrape, it counts the requests both answered (a
    # start-up probe that timed out on a loaded machine may still come in late).
    counts = {live_requests(text) for text in scrapes}
    assert len(counts) == 1
    assert counts.pop() >= before + 40
