"""A real Celery worker in a subprocess, for end-to-end tests of the check
pipeline: the broker the tests are configured with (Redis, or kombu's
filesystem transport as ``bin/run`` uses without Redis), the test database,
a prefork pool.

The worker consumes a queue of its own (unique per test), so runs of the
suite side by side never take each other's messages; the test process
publishes to the same queue. Rows a test writes must be committed for the
worker to see them, so tests using it are ``django_db(transaction=True)``.

The worker runs in a session (process group) of its own, so ``kill`` reaches
the prefork children too, as a machine losing power would.
"""

import contextlib
import ipaddress
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import override_settings

from sources.scheduling import resend_abandoned_checks
from tracker.celery import app

BASE_DIR = Path(django_settings.BASE_DIR)
READY_TIMEOUT = 30.0
# Short enough that a message of a killed worker comes back within a test,
# longer than the hard time limit.
VISIBILITY_TIMEOUT = 8
# A started check belongs to its worker for the lease (sources.checking.check_lease),
# renewed while it runs: shorter than the visibility timeout, so that a redelivered
# message finds a killed worker's lease run out. The soft limit must come before the hard one. On a
# broker without an event loop (the filesystem one) the pool looks at the
# limits once a second, so each may come up to a second late: the hard limit
# leaves the soft one more than that second to record what it stopped.
TASK_TIME_LIMIT = 5
TASK_SOFT_TIME_LIMIT = 2
CHECK_LEASE = 3
# How late a time limit may come: a page meant to outlast one is slower by more.
TIME_LIMIT_LATENESS = 1.0
WORKER_COMMAND = [
    sys.executable, "-m", "celery", "-A", "tracker", "worker", "--pool=prefork", "-c", "2",
    "--without-heartbeat", "--without-gossip", "--without-mingle", "-l", "info",
]  # fmt: skip


def test_database_url() -> str:
    """The URL of the database this test runs on (the ``test_`` one)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"  # a file (tests/conftest.py), which an absolute path follows
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class CeleryWorkerProcess:
    """One worker subprocess that can be killed and started again; ``prefix``
    goes before its command (``ip netns exec HOST`` runs it on another host)."""

    def __init__(self, queue: str, env: dict, log_path: Path, prefix: list[str] = ()):
        self.queue = queue
        self.prefix = list(prefix)
        self.env = env
        self.log_path = log_path
        self.process = None
        self._log_offset = 0

    def start(self):
        # Each start appends to the log; readiness is looked for after this offset.
        self._log_offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [*self.prefix, *WORKER_COMMAND, "-Q", self.queue],
                cwd=BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self._wait_until_ready()

    def _wait_until_ready(self):
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if " ready." in self.log_since_start():
                return
            if self.process.poll() is not None:
                raise RuntimeError(f"The Celery worker exited with {self.process.returncode}:\n{self.log()}")
            time.sleep(0.1)
        raise RuntimeError(f"The Celery worker was not ready after {READY_TIMEOUT} s:\n{self.log()}")

    def kill(self, sig=signal.SIGKILL):
        """Send ``sig`` to the worker and its pool children, and wait for the main process to end."""
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, sig)
        except ProcessLookupError:
            return
        self.process.wait(timeout=30)

    def restart(self):
        self.kill()
        self.start()

    def stop(self):
        """End the worker: a warm shutdown first, then SIGKILL to the whole group."""
        if self.process is None:
            return
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=10)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)  # pool children left behind, if any
        self.process.wait(timeout=10)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def log_since_start(self) -> str:
        return self.log()[self._log_offset :]


@pytest.fixture
def worker_environment(transactional_db, settings, tmp_path) -> dict:
    """The environment of a test's workers: the test database, loopback
    fetching, short time limits, a media folder of the test's own."""
    media_root = tmp_path / "media"
    env = {
        # The loopback server stands for every outlet, as in the test process
        # (conftest's _loopback_is_many_hosts), and its host's slots are shared
        # through Redis by every test: a worker killed by an earlier test keeps
        # its slots leased, which four slots would leave this worker waiting on.
        # A test of the limits sets its own in the environment.
        "FETCH_HOST_CONCURRENCY": "1000",
        "FETCH_HOST_RATE": "1000000/second",
        **os.environ,
        "DATABASE_URL": test_database_url(),
        "DEBUG": "true",
        "FETCH_ALLOWED_NETWORKS": "127.0.0.0/8",
        "MEDIA_ROOT": str(media_root),
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        "CELERY_TASK_TIME_LIMIT": str(TASK_TIME_LIMIT),
        "CELERY_TASK_SOFT_TIME_LIMIT": str(TASK_SOFT_TIME_LIMIT),
        "SOURCE_CHECK_LEASE_SECONDS": str(CHECK_LEASE),
        "CELERY_BROKER_URL": app.conf.broker_url,
        "PYTHONUNBUFFERED": "1",
    }
    settings.MEDIA_ROOT = media_root
    settings.FETCH_ALLOWED_NETWORKS = (ipaddress.ip_network("127.0.0.0/8"),)
    settings.CELERY_TASK_TIME_LIMIT = TASK_TIME_LIMIT
    settings.SOURCE_CHECK_LEASE = CHECK_LEASE
    return env


@pytest.fixture
def celery_worker_process(worker_environment, tmp_path):
    """A started worker on a queue of its own, with the test process
    publishing to that queue; stopped after the test, its log printed
    (pytest shows it when the test failed)."""
    queue = f"e2e-{uuid.uuid4().hex}"
    worker = CeleryWorkerProcess(queue, worker_environment, tmp_path / "celery-worker.log")
    try:
        with every_task_sent_to(queue):
            worker.start()
            yield worker
    finally:
        worker.stop()
        delete_queue(queue)
        print(f"--- Celery worker log ({worker.log_path}) ---\n{worker.log()}")


@pytest.fixture
def celery_workers(worker_environment, tmp_path):
    """Start workers on the tracker's queues as routed (``CELERY_TASK_ROUTES``),
    each renamed for this test: ``start(["checks-now"])`` starts a worker
    serving that queue, ``start(all_queues)`` one serving all of them, as
    ``bin/run``'s does. Stopped after the test, their logs printed."""
    prefix = f"e2e-{uuid.uuid4().hex[:12]}-"
    workers = []

    def start(queues):
        names = ",".join(prefix + queue for queue in queues)
        worker = CeleryWorkerProcess(names, worker_environment, tmp_path / f"celery-worker-{len(workers)}.log")
        workers.append(worker)
        worker.start()
        return worker

    try:
        with every_task_sent_to_queues_named(prefix):
            yield start
    finally:
        for worker in workers:
            worker.stop()
            print(f"--- Celery worker log ({worker.log_path}) ---\n{worker.log()}")
        for queue in app.conf.task_queues:
            delete_queue(prefix + queue.name)


@pytest.fixture
def queued_messages():
    """Publish to a queue of the test's own; call the result to take the
    messages that reached it off the queue, as their argument lists."""
    queue = f"messages-{uuid.uuid4().hex}"

    def messages():
        taken = []
        with app.connection_for_write() as conn:
            while (message := conn.default_channel.basic_get(queue, no_ack=True)) is not None:
                taken.append(message.decode()[0])  # Celery's message body: args, kwargs, options
        return taken

    with every_task_sent_to(queue):
        yield messages
    delete_queue(queue)


@pytest.fixture(scope="session", autouse=True)
def _drop_unconsumed_checks():
    """Tests that save claims outside a worker's test publish source checks
    that no worker takes; drop them at the end, so that they do not pile up
    in the tests' broker (``bin/test`` gives the tests a Redis database of their own)."""
    yield
    with app.connection_for_write() as conn:
        for queue in app.conf.task_queues:
            conn.default_channel.queue_purge(queue.name)


@contextlib.contextmanager
def every_task_sent_to(queue: str):
    """Within this block, this process sends every task to ``queue``, whatever
    its route (``CELERY_TASK_ROUTES``)."""
    with _routes(({"*": {"queue": queue}},)):
        yield


@contextlib.contextmanager
def every_task_sent_to_queues_named(prefix: str):
    """Within this block, this process sends every task to its queue as
    routed (``CELERY_TASK_ROUTES``), with ``prefix`` before the queue's name."""
    routed = {task: {**route, "queue": prefix + route["queue"]} for task, route in app.conf.task_routes.items()}
    with _routes((routed, {"*": {"queue": prefix + app.conf.task_default_queue}})):
        yield


@contextlib.contextmanager
def _routes(routes):
    # The Celery app reads its CELERY_* settings from Django's, but its router
    # reads the routes once and keeps them: make the next send build a new one.
    try:
        with override_settings(CELERY_TASK_ROUTES=routes):
            _forget_router()
            yield
    finally:
        _forget_router()


def _forget_router():
    app.amqp.flush_routes()
    app.amqp.__dict__.pop("router", None)


def use_broker(settings, url: str) -> None:
    """Make this process publish to the broker at ``url``."""
    settings.CELERY_BROKER_URL = url  # the Celery app reads its CELERY_* settings on each use
    # The app caches its connection and producer pools; forget them so the
    # next publish looks up the pools of ``url`` (kombu keeps one per broker URL).
    app._pool = None
    app.amqp._producer_pool = None


def delete_queue(queue: str):
    """Drop the test's queue from the broker, with any message left in it."""
    with app.connection_for_write() as conn:
        conn.default_channel.queue_delete(queue)


def taken_over_in_time(unfinished, timeout=30.0) -> bool:
    """Send ``unfinished`` checks' requests again as the beat's takeover does,
    at its production cadence, until none is left; whether that happened
    within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while unfinished.exists():
        if time.monotonic() >= deadline:
            return False
        resend_abandoned_checks()
        time.sleep(django_settings.SOURCE_CHECK_TAKEOVER_INTERVAL)
    return True


def wait_for(condition, timeout=30.0, interval=0.2):
    """Poll ``condition`` until it returns something truthy; that value, or ``None`` on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    return None
