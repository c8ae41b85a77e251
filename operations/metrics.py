"""What an operator watches, for Prometheus (``/metrics``) and for people (the stats page).

Most figures are read at scrape time from where the truth is kept, not
counted in the process that answers: checks by outcome from the check rows,
queue lengths from the broker, workers from their heartbeats, the oldest
waiting request from its partial index. So every web process (gunicorn runs
several, on several machines) answers the same figures, a restarted process
loses nothing, and the Celery workers need no metrics endpoint of their own.
Each read is bounded (a statement timeout, short broker timeouts), as the
health checks are.

Only request latency is measured where it happens, in each web process: with
``PROMETHEUS_MULTIPROC_DIR`` set (``tracker/gunicorn.conf.py`` sets it for
its workers), prometheus-client's multiprocess mode sums the processes'
histograms from their files there; without it (runserver, tests) the process
answers its own.
"""

import os
import time
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import Avg, Count, F, Max
from django.utils import timezone
from prometheus_client import CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from sources.choices import CheckOutcome
from sources.models import Source, SourceCheck
from tracker.celery import app
from tracker.database import limit_statements_of_this_transaction

from .models import WorkerHeartbeat

# Seconds; a page is meant to answer within 0.3 s at the 95th percentile (issue 17).
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.5, 5.0, 10.0)

REQUEST_LATENCY = Histogram(
    "tracker_http_request_duration_seconds",
    "Time from a request reaching Django to its response, by view and status class.",
    ["view", "method", "status"],
    buckets=LATENCY_BUCKETS,
)


def observe_request(view: str, method: str, status: int, seconds: float) -> None:
    """Count one answered request (``operations/middleware.py`` calls it)."""
    REQUEST_LATENCY.labels(view, method, f"{status // 100}xx").observe(seconds)


@dataclass
class Figures:
    """The figures of one reading, for both faces. ``None`` where a part
    could not be read (the database or the broker did not answer)."""

    outcomes_total: dict[str, int] | None = None
    outcomes_last_hour: dict[str, int] | None = None
    checks_last_hour: int | None = None
    failures_last_hour: int | None = None
    mean_wait_last_hour: float | None = None
    longest_wait_last_hour: float | None = None
    oldest_waiting_seconds: float | None = None
    workers: dict[str, float] | None = None  # host name: seconds since heard from
    queue_lengths: dict[str, int | None] = field(default_factory=dict)

    @property
    def workers_alive(self) -> int | None:
        if self.workers is None:
            return None
        return sum(1 for silent in self.workers.values() if silent <= settings.HEALTH_WORKER_SILENCE_LIMIT)


def read_figures() -> Figures:
    """Read every figure once, each part bounded in time."""
    figures = Figures()
    _read_database(figures)
    figures.queue_lengths = queue_lengths()
    return figures


def _read_database(figures: Figures) -> None:
    now = timezone.now()
    hour_ago = now - timedelta(hours=1)
    try:
        with transaction.atomic():
            limit_statements_of_this_transaction(settings.HEALTH_TIMEOUT * 2)
            finished = SourceCheck.objects.filter(finished_at__isnull=False)
            figures.outcomes_total = _by_outcome(finished)
            last_hour = finished.filter(finished_at__gte=hour_ago)
            figures.outcomes_last_hour = _by_outcome(last_hour)
            wait = F("finished_at") - F("requested_at")
            waits = last_hour.aggregate(mean=Avg(wait), longest=Max(wait))
            oldest = Source.objects.oldest_waiting_request()
            heard = dict(WorkerHeartbeat.objects.values_list("hostname", "seen_at"))
    except DatabaseError:
        return
    failures = set(CheckOutcome.values) - CheckOutcome.successes() - {CheckOutcome.DEFERRED}
    figures.checks_last_hour = sum(figures.outcomes_last_hour.values())
    figures.failures_last_hour = sum(n for outcome, n in figures.outcomes_last_hour.items() if outcome in failures)
    figures.mean_wait_last_hour = _seconds(waits["mean"])
    figures.longest_wait_last_hour = _seconds(waits["longest"])
    figures.oldest_waiting_seconds = 0.0 if oldest is None else max(0.0, (now - oldest).total_seconds())
    figures.workers = {host: max(0.0, (now - seen).total_seconds()) for host, seen in heard.items()}


def _by_outcome(checks) -> dict[str, int]:
    return dict(checks.order_by().values("outcome").annotate(n=Count("pk")).values_list("outcome", "n"))


def _seconds(duration) -> float | None:
    if duration is None:
        return None
    if isinstance(duration, timedelta):
        return duration.total_seconds()
    return duration / 1_000_000  # SQLite's average of durations: microseconds


def queue_lengths() -> dict[str, int | None]:
    """Messages waiting in each of the tracker's queues (``None`` for each
    when the broker does not answer within ``HEALTH_TIMEOUT``)."""
    names = [queue.name for queue in app.conf.task_queues or ()]
    timeout = settings.HEALTH_TIMEOUT
    options = {**settings.CELERY_BROKER_TRANSPORT_OPTIONS}
    if app.conf.broker_url.startswith("redis"):
        options.update(socket_connect_timeout=timeout, socket_timeout=timeout)
    try:
        with app.connection_for_read(transport_options=options, connect_timeout=timeout) as broker:
            broker.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=timeout)
            channel = broker.default_channel
            # A passive declare counts without creating: every transport answers it.
            return {name: _length(channel, name) for name in names}
    except Exception:
        return dict.fromkeys(names)


def _length(channel, name) -> int:
    try:
        return channel.queue_declare(queue=name, passive=True).message_count
    except Exception as exc:
        if "NOT_FOUND" in str(exc) or "404" in str(exc):
            return 0  # a queue no message was ever sent to
        raise


class DatabaseAndBrokerCollector:
    """A prometheus-client collector that reads the figures at scrape time."""

    def collect(self):
        started = time.monotonic()
        figures = read_figures()
        up = GaugeMetricFamily(
            "tracker_metrics_source_up", "Whether the part answered this scrape (1) or not (0).", labels=["part"]
        )
        up.add_metric(["database"], 0 if figures.outcomes_total is None else 1)
        broker_answered = any(length is not None for length in figures.queue_lengths.values())
        up.add_metric(["broker"], 1 if broker_answered else 0)
        yield up
        if figures.outcomes_total is not None:
            yield from _database_metrics(figures)
        queues = GaugeMetricFamily("tracker_queue_messages", "Messages waiting in each Celery queue.", labels=["queue"])
        for name, length in figures.queue_lengths.items():
            if length is not None:
                queues.add_metric([name], length)
        yield queues
        yield GaugeMetricFamily(
            "tracker_metrics_scrape_seconds", "Time taken to read the figures.", value=time.monotonic() - started
        )


def _database_metrics(figures: Figures):
    checks = CounterMetricFamily(
        "tracker_source_checks", "Completed source checks since the site began, by outcome.", labels=["outcome"]
    )
    for outcome, n in sorted(figures.outcomes_total.items()):
        checks.add_metric([outcome], n)
    yield checks
    recent = GaugeMetricFamily(
        "tracker_source_checks_last_hour", "Source checks completed in the last hour, by outcome.", labels=["outcome"]
    )
    for outcome, n in sorted(figures.outcomes_last_hour.items()):
        recent.add_metric([outcome], n)
    yield recent
    wait = GaugeMetricFamily(
        "tracker_source_check_wait_seconds",
        "From a check request to its completed check, over the checks of the last hour.",
        labels=["statistic"],
    )
    for name, value in (("mean", figures.mean_wait_last_hour), ("max", figures.longest_wait_last_hour)):
        if value is not None:
            wait.add_metric([name], value)
    yield wait
    yield GaugeMetricFamily(
        "tracker_oldest_check_request_waiting_seconds",
        "How long the oldest check request still unanswered has waited (0 when none waits).",
        value=figures.oldest_waiting_seconds,
    )
    yield GaugeMetricFamily(
        "tracker_workers_alive",
        "Celery workers heard from within HEALTH_WORKER_SILENCE_LIMIT seconds.",
        value=figures.workers_alive,
    )
    silence = GaugeMetricFamily(
        "tracker_worker_seconds_since_heard", "Seconds since each worker's last heartbeat.", labels=["worker"]
    )
    for host, seconds in sorted(figures.workers.items()):
        silence.add_metric([host], seconds)
    yield silence


def exposition() -> tuple[bytes, str]:
    """The metrics in Prometheus's text format, and its content type."""
    from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY

    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(_ProcessRegistry(REGISTRY))
    registry.register(DatabaseAndBrokerCollector())
    return generate_latest(registry), CONTENT_TYPE_LATEST


class _ProcessRegistry:
    """This process's own metrics (the latency histogram, the process and
    platform figures), when there is no multiprocess folder to read."""

    def __init__(self, registry):
        self.registry = registry

    def collect(self):
        return self.registry.collect()
