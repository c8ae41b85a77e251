"""Several machines for real: the web app and three check workers, each on a
host of its own (a network namespace with an address of its own,
``tests/hosts.py``), against one PostgreSQL and one Redis reached over their
links, never over loopback. Claims submitted to the web app over HTTP have
their sources checked across the workers, each request once; a worker host
cut off mid-run (its link taken down, as a pulled cable: its processes live
on and are never told) loses no check, as another worker takes over its
checks once their lease runs out. A host cut off inside a transaction holds
its row locks until PostgreSQL's idle-in-transaction timeout ends its session.

Which host did a check is read from the outlet server, which sees each
fetch's client address: a check is done by the host that fetched its page
last. The test plays the beat (``sources.scheduling``: the takeover and the
sweep), at a shorter cadence than production's."""

import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import httpx
import pytest
from django.conf import settings as django_settings
from django.db import OperationalError, connection, transaction

from accounts.tokens import issue
from sources.models import Source, SourceCheck
from sources.scheduling import resend_abandoned_checks, resend_lost_requests
from sources.services import get_or_create_source
from tests.celery_worker import CeleryWorkerProcess, delete_queue, wait_for
from tests.celery_worker import test_database_url as url_of_the_test_database
from tests.hosts import HostNetwork
from tests.loopback import LoopbackServer
from tests.web_process import WebProcess
from tracker.celery import app

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.postgresql,  # the hosts reach the database over TCP; SQLite is a file on one machine
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WORKERS = ("w1", "w2", "w3")
# The queues of production's check workers (Procfile: checks-now, rechecks).
CHECK_QUEUES = ",".join((django_settings.CHECKS_NOW_QUEUE, django_settings.RECHECKS_QUEUE))
SOURCES = 150
PAGE_DELAY = 0.3  # each page takes this long, so that the checks last long enough to spread
LEASE = 4
SWEEP_GRACE = 10
PAGE = b"<html><head><title>Report %d</title></head><body><article><p>Report number %d.</p></article></body></html>"


def _namespaces_unavailable() -> str:
    """Why this machine cannot make the hosts, or ``""``."""
    if os.geteuid() != 0:
        return "network namespaces need root"
    if shutil.which("ip") is None or subprocess.run(["ip", "netns", "list"], capture_output=True).returncode:
        return "`ip netns` is unavailable"
    if shutil.which("socat") is None:
        return "socat is missing (bin/test installs it as root)"
    return ""


@pytest.fixture
def hosts():
    """A web host and three worker hosts on a network of this test's own; removed after it."""
    if reason := _namespaces_unavailable():
        pytest.skip(reason)
    network = HostNetwork.claim_free(("web", *WORKERS))
    try:
        yield network
    finally:
        network.down()


@pytest.fixture
def outlets(hosts):
    """The outlets' pages, served on the bridge, where the hosts reach them over their links."""
    server = LoopbackServer(host=hosts.gateway)
    server.start()
    yield server
    server.stop()


def over_the_link(url: str, network: HostNetwork) -> str:
    """``url`` (a loopback URL of this machine) as a host reaches it: at the bridge's address."""
    parts = urlsplit(url)
    return parts._replace(netloc=parts.netloc.replace(parts.hostname, network.gateway)).geturl()


@pytest.fixture
def site(hosts, worker_environment, settings, tmp_path):
    """The web app on its host and a check worker on each worker host, all
    on the test database and the test broker through the bridge."""
    env = {
        **worker_environment,
        "DATABASE_URL": over_the_link(url_of_the_test_database(), hosts),
        "REDIS_URL": over_the_link(app.conf.broker_url, hosts),
        "CELERY_BROKER_URL": over_the_link(app.conf.broker_url, hosts),
        "FETCH_ALLOWED_NETWORKS": hosts.subnet,  # the outlets on the bridge, and nothing else private
        "ALLOWED_HOSTS": hosts.hosts["web"].address,
        "STATIC_ROOT": str(tmp_path / "static"),
        "WEB_CONCURRENCY": "2",
        "SOURCE_CHECK_LEASE_SECONDS": str(LEASE),
        # A worker takes a message only when a pool process is free, so that a cut-off worker
        # holds few it has not started (those come back with the sweep or the visibility timeout).
        "CELERY_WORKER_PREFETCH_MULTIPLIER": "1",
        "CELERY_TASK_SOFT_TIME_LIMIT": "20",
        "CELERY_TASK_TIME_LIMIT": "25",
        "CELERY_VISIBILITY_TIMEOUT": "30",
        # A worker cut off inside a transaction (recording its checks) keeps its sources' rows locked,
        # and every other worker's takeover of them waits on the lock: without this, one run in five
        # stalled until the soft time limit, again and again (the last test here shows why).
        "DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_SECONDS": "10",
    }
    settings.SOURCE_CHECK_LEASE = LEASE
    settings.SOURCE_CHECK_SWEEP_GRACE = SWEEP_GRACE
    _empty_the_queues()  # messages earlier tests left on the tracker's queues
    web, workers = None, {}
    try:
        web = WebProcess(env, tmp_path / "web.log", host=hosts.hosts["web"].address, prefix=_on(hosts, "web"))
        for name in WORKERS:
            # Its sessions named after its host: the database sees them all come from the forwarder.
            host_env = {**env, "PGAPPNAME": name}
            workers[name] = CeleryWorkerProcess(
                CHECK_QUEUES, host_env, tmp_path / f"{name}.log", prefix=_on(hosts, name)
            )
            workers[name].start()
        yield web, workers
    finally:
        for worker in workers.values():
            worker.stop()
            print(f"--- worker {worker.log_path.stem} ---\n{worker.log()}")
        if web is not None:
            web.stop()
            print(f"--- web ---\n{web.log()}")
        _empty_the_queues()


def _on(network: HostNetwork, host: str) -> list[str]:
    return network.hosts[host].command([])


def _empty_the_queues():
    for queue in app.conf.task_queues:
        delete_queue(queue.name)


def submit_claims(web: WebProcess, secret: str, urls: list[str]) -> float:
    """One claim per URL, through the API, four at a time; how long that took, in seconds."""
    started = time.monotonic()
    headers = {"Authorization": f"Token {secret}"}
    with httpx.Client(base_url=web.url, headers=headers, timeout=30, trust_env=False) as client:

        def submit(n_url):
            n, url = n_url
            body = {"text": f"Report number {n} on the shelling", "language": "en", "kind": "statement"}
            response = client.post("/api/claims/", json={**body, "sources": [{"url": url}]})
            assert response.status_code == 201, response.text

        with ThreadPoolExecutor(4) as pool:
            list(pool.map(submit, enumerate(urls)))
    return time.monotonic() - started


def session_states(host: str) -> list[str]:
    """The state of each of ``host``'s database sessions (``idle``, ``active``, ...)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT state FROM pg_stat_activity WHERE application_name = %s", [host])
        return [state for (state,) in cursor.fetchall()]


def test_checks_spread_over_worker_hosts_and_a_cut_off_hosts_checks_are_taken_over(hosts, outlets, site, reviewer):
    web, workers = site
    paths = [f"/report-{n}" for n in range(SOURCES)]
    for n, path in enumerate(paths):
        outlets.route(path, body=PAGE % (n, n), delay=PAGE_DELAY)
    _token, secret = issue(reviewer, "multi-host test")
    address_of = {host.address: name for name, host in hosts.hosts.items()}

    checks = SourceCheck.objects.all()  # the test database holds this test's only

    def finished() -> int:
        return checks.filter(finished_at__isnull=False).count()

    def page_fetches() -> list[tuple[str, str]]:
        """(path, host) of each fetch of a source's page, in order (not the soft 404 probes)."""
        return [(path, address_of[client]) for path, client in list(outlets.clients) if path in routed]

    def running(path) -> bool:
        return checks.filter(source__url=outlets.url(path), finished_at__isnull=True).exists()

    routed = set(paths)
    started = time.monotonic()
    with ThreadPoolExecutor(1) as submitter:
        submitting = submitter.submit(submit_claims, web, secret, [outlets.url(path) for path in paths])
        # Mid-run, while claims still arrive, cut off the host that fetched the
        # last page asked for, while its check runs.
        while finished() < SOURCES // 3:
            assert time.monotonic() - started < 60, f"only {finished()} checks done after 60 s"
            time.sleep(0.05)
        while True:
            path, cut = page_fetches()[-1]
            if running(path):
                break
            time.sleep(0.02)
        assert session_states(cut), f"no database session is named after {cut}"
        hosts.cut_off(hosts.hosts[cut])
        cut_at = time.monotonic()
        # What the host sent before its cable was pulled (a batch's last statements and COMMIT)
        # still reaches the database through the forwarder and runs: what that finishes, the host
        # did, so its checks under way are read once none of its statements runs.
        time.sleep(0.5)
        assert wait_for(lambda: "active" not in session_states(cut), timeout=20)
        held_at_cut = {path for path, host in page_fetches() if host == cut and running(path)}
        done_at_cut = finished()
        # The beat's takeover and sweep, every second, while claims still arrive and until
        # every request has its check.
        resent_in = taken_over_in = None
        while finished() < SOURCES:
            assert time.monotonic() - cut_at < 60, f"{SOURCES - finished()} checks still open 60 s after the cut"
            if submitting.done():
                submitting.result()  # raises what stopped the submissions
            if resend_abandoned_checks() and resent_in is None:
                resent_in = round(time.monotonic() - cut_at, 1)
            resend_lost_requests()
            time.sleep(1)
            if taken_over_in is None and not any(running(path) for path in held_at_cut):
                taken_over_in = round(time.monotonic() - cut_at, 1)
        submitted = submitting.result()
    all_done, all_done_after_cut = time.monotonic() - started, time.monotonic() - cut_at
    sources = {urlsplit(source.url).path: source for source in Source.objects.all()}
    assert sorted(sources) == sorted(paths)
    time.sleep(1)  # room for a (wrong) second completion to show up
    workers[cut].kill()  # it would wait to hear from the database for minutes

    requests = dict(Source.objects.values_list("pk", "check_requested_at"))
    assert sorted(checks.values_list("source_id", "requested_at")) == sorted(requests.items()), (
        "not exactly one check per request"
    )
    assert not checks.filter(finished_at__isnull=True).exists()
    assert set(checks.values_list("outcome", flat=True)) == {"ok"}

    fetchers = {}  # path: the hosts that fetched it, in order
    for path, host in page_fetches():
        fetchers.setdefault(path, []).append(host)
    done_by = Counter(fetchers[path][-1] for path in paths)
    fetched_twice = {path: hosts_ for path, hosts_ in fetchers.items() if len(hosts_) > 1}
    print(
        f"\n{SOURCES} claims submitted to the web host in {submitted:.1f} s, all checked {all_done:.1f} s after the "
        f"first was sent. Host {cut} cut off with {done_at_cut} checks done in all and {len(held_at_cut)} of its own "
        f"under way, sent again {resent_in} s after the cut (its lease ran out) and done {taken_over_in} s after it; "
        f"all done {all_done_after_cut:.1f} s after it.\n"
        f"Checks per host: {dict(sorted(done_by.items()))}; pages fetched twice: {fetched_twice}"
    )
    assert set(done_by) <= set(WORKERS)
    assert len([host for host in WORKERS if host != cut and done_by[host]]) == 2, "a live worker did no check"
    assert held_at_cut, f"{cut} was cut off with no check under way"
    for path in held_at_cut:
        assert fetchers[path][-1] != cut, f"{path}, under way on {cut} when it was cut off, was not taken over"
    # A page is fetched again only when a cut-off host's check is taken over.
    assert all(cut in hosts_[:-1] and cut not in hosts_[-1:] for hosts_ in fetched_twice.values())


IDLE_IN_TRANSACTION_TIMEOUT = 3


def hold_row_lock(network: HostNetwork, host: str, source: Source, env: dict, log_path) -> subprocess.Popen:
    """A process on ``host`` that locks ``source``'s row in a transaction, as a check
    does while it claims or records a check, and then waits inside it."""
    code = (
        "import time\nfrom django.db import transaction\nfrom sources.models import Source\n"
        f"with transaction.atomic():\n    Source.objects.select_for_update().get(pk={source.pk})\n"
        "    print('locked', flush=True)\n    time.sleep(600)\n"
    )
    with log_path.open("wb") as log:
        holder = subprocess.Popen(
            network.hosts[host].command([sys.executable, "manage.py", "shell", "-c", code]),
            cwd=django_settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    assert wait_for(lambda: "locked" in log_path.read_text(), timeout=30), log_path.read_text()
    return holder


def lockable(source: Source) -> bool:
    try:
        with transaction.atomic():
            Source.objects.select_for_update(nowait=True).get(pk=source.pk)
        return True
    except OperationalError:  # the lock is held
        return False


def test_a_host_cut_off_inside_a_transaction_holds_its_locks_only_until_the_idle_timeout(hosts, tmp_path):
    """A worker host cut off while it holds a source's row (claiming or recording
    a check) keeps it locked, as the database never hears it went: every other
    worker's check of that source, and every save linking it, waits on that lock.
    ``DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_SECONDS`` bounds it; it is off by default."""
    env = {**os.environ, "DATABASE_URL": over_the_link(url_of_the_test_database(), hosts), "DEBUG": "true"}
    limited, unlimited = (get_or_create_source(f"https://news.example.org/report-{n}")[0] for n in (1, 2))
    timeout = {"DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_SECONDS": str(IDLE_IN_TRANSACTION_TIMEOUT)}
    holders = []
    try:
        holders.append(hold_row_lock(hosts, "w2", unlimited, env, tmp_path / "w2.log"))
        holders.append(hold_row_lock(hosts, "w1", limited, {**env, **timeout}, tmp_path / "w1.log"))
        locked_at = time.monotonic()
        assert not lockable(limited) and not lockable(unlimited)
        for host in ("w1", "w2"):
            hosts.cut_off(hosts.hosts[host])

        assert wait_for(lambda: lockable(limited), timeout=IDLE_IN_TRANSACTION_TIMEOUT + 10), (
            "the cut-off host's lock outlived the idle-in-transaction timeout"
        )
        freed_in = time.monotonic() - locked_at
        time.sleep(max(0.0, 2 * IDLE_IN_TRANSACTION_TIMEOUT - freed_in))
        held_for = time.monotonic() - locked_at
        print(
            f"\nA cut-off host's row lock was freed {freed_in:.1f} s after it was taken, with an idle-in-transaction "
            f"timeout of {IDLE_IN_TRANSACTION_TIMEOUT} s; without one, still held after {held_for:.1f} s"
        )
        assert not lockable(unlimited), "without the timeout, the database noticed the cut-off host by itself"
    finally:
        for holder in holders:
            os.killpg(holder.pid, signal.SIGKILL)
            holder.wait()
