"""The web process that ``bin/run`` and the production start run: bounded
database connections under concurrent requests, hashed static files."""

import gc
import os
import re
import runpy
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from django.db import connection

from tests.celery_worker import BASE_DIR

# Serialized rollback, as the worker tests: the flush after a transactional
# test re-creates the content types, which a later worker test must find as saved.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

STRONG_KEY = "x7#kP2!vQ9@mL4$wR8^zT1&bN6*cY3(dF5)gH0-jK2_sA9+eU4=iO7"


# libpq names each connection the web process opens by this, so that one
# left by an earlier test (a worker still stopping, a thread) is not counted.
WEB_APPLICATION_NAME = "tracker-web-under-test"


def connections_of_the_web_process() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", [WEB_APPLICATION_NAME])
        return cursor.fetchone()[0]


@pytest.mark.postgresql
def test_concurrent_requests_never_hold_more_connections_than_workers_times_threads(start_web_process):
    # Two workers of four threads, set here so that the bound does not
    # depend on this machine's cores; bin/run takes the defaults of the same file.
    workers, threads = 2, 4
    web = start_web_process(
        DATABASE_CONN_MAX_AGE="60",
        DEBUG="true",
        WEB_CONCURRENCY=str(workers),
        WEB_THREADS=str(threads),
        PGAPPNAME=WEB_APPLICATION_NAME,
    )
    concurrent, rounds = 24, 5
    statuses, most_connections = [], 0
    limits = httpx.Limits(max_connections=concurrent)
    with httpx.Client(base_url=web.url, timeout=30, limits=limits) as client, ThreadPoolExecutor(concurrent) as pool:
        for _ in range(rounds):
            answers = pool.map(lambda _: client.get("/claims/claimreview.json"), range(concurrent))
            statuses += [answer.status_code for answer in answers]
            most_connections = max(most_connections, connections_of_the_web_process())

    assert statuses == [200] * concurrent * rounds
    # Each thread keeps its connection (CONN_MAX_AGE) and reuses it.
    assert 0 < most_connections <= workers * threads


def test_production_start_serves_hashed_static_files_with_debug_off(start_web_process):
    web = start_web_process(
        DEBUG="false",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        WEB_CONCURRENCY="1",
    )
    assert httpx.get(f"{web.url}/health/live", timeout=10).status_code == 200, "probes are not sent to HTTPS"
    login_page = httpx.get(f"{web.url}/accounts/login/", timeout=10)
    assert login_page.status_code == 200
    hashed = re.search(r'href="(/static/css/tracker\.[0-9a-f]{12}\.css)"', login_page.text)
    assert hashed, "the page links the stylesheet under its hashed name"

    stylesheet = httpx.get(f"{web.url}{hashed.group(1)}", timeout=10)
    assert stylesheet.status_code == 200
    assert stylesheet.text == (BASE_DIR / "static" / "css" / "tracker.css").read_text()
    assert "immutable" in stylesheet.headers["Cache-Control"]


def test_a_graceful_reload_answers_every_request_made_meanwhile(start_web_process):
    web = start_web_process(DEBUG="true", WEB_CONCURRENCY="2")
    answers, done = [], threading.Event()

    def keep_asking():
        with httpx.Client(base_url=web.url, timeout=10) as client:
            while not done.is_set():
                try:
                    answers.append(client.get("/claims/claimreview.json").status_code)
                except httpx.TransportError as error:
                    answers.append(type(error).__name__)

    askers = [threading.Thread(target=keep_asking) for _ in range(4)]
    for asker in askers:
        asker.start()
    time.sleep(1)
    os.kill(web.process.pid, signal.SIGHUP)  # bin/serve web execs gunicorn: this is its master
    deadline = time.monotonic() + 30
    while web.log().count("Booting worker") < 4 and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1)
    done.set()
    for asker in askers:
        asker.join()

    assert web.log().count("Booting worker") >= 4, "the reload started two new workers"
    assert answers and set(answers) == {200}


def test_a_web_worker_collects_cycles_seldom(monkeypatch, tmp_path):
    """Each web worker raises the cycle collector's thresholds once it has
    loaded the app (``gunicorn.conf.py`` says why): at Python's defaults a
    full collection every hundred requests or so stopped the process's
    threads for over 100 ms."""
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))  # else the settings make a folder of their own
    config = runpy.run_path(str(BASE_DIR / "tracker" / "gunicorn.conf.py"))
    set_to = []
    monkeypatch.setattr(gc, "set_threshold", lambda *thresholds: set_to.append(thresholds))
    config["post_worker_init"](worker=None)
    assert set_to == [config["GC_THRESHOLDS"]]
    assert config["GC_THRESHOLDS"][0] >= 10 * gc.get_threshold()[0]
