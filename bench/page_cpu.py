"""The web process's CPU for one claim list page and one search, measured in
the process itself: what moves the load test's p95 (``bench/load.py``),
without its noise.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker_bench
    DEMO_DATA_ALLOWED=true .venv/bin/python manage.py generate_data --claims 100000
    .venv/bin/python -m bench.page_cpu [--requests 20] [--rounds 5]

In production mode (DEBUG off, static files' hashed names collected into a
folder of its own), a reviewer signed in through Django's test client asks
for the claim list with the load test's filters (``bench.load.list_filters``)
and its searches in English and Chinese, with the interface in English and
in Chinese. For each page it prints the CPU time of this process per request
(``time.process_time``, median and least of the rounds; the time the
database spends is not in it) and the database's time per request (the
queries' times as Django saw them, median and largest), with the load
average. CPU time moves far less than wall-clock time with what else runs on
the machine, but it moves too: compare figures taken one after the other.
A script, not a test.
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.load import SEARCHES, SERVER_ENV, list_filters

BASE_DIR = Path(__file__).resolve().parent.parent
INTERFACES = ("en", "zh-hans")


def setup():
    static = tempfile.mkdtemp(prefix="page-cpu-static-")
    os.environ.update(SERVER_ENV)
    os.environ.update(ALLOWED_HOSTS="testserver", STATIC_ROOT=static)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"], cwd=BASE_DIR, check=True)
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()


def pages(rng):
    """Each page measured: a name and what makes its query string."""
    from claims.models import Event

    event_ids = list(Event.objects.order_by("pk").values_list("pk", flat=True))
    if not event_ids:
        sys.exit("No events: run manage.py generate_data first.")
    english = [search for search in SEARCHES if search.isascii()]
    chinese = [search for search in SEARCHES if not search.isascii()]
    return {
        "list": lambda: list_filters(rng, event_ids),
        "search, English": lambda: {"q": rng.choice(english)},
        "search, Chinese": lambda: {"q": rng.choice(chinese)},
    }


def reviewer_client(interface):
    from django.contrib.auth.models import Group, User
    from django.test import Client

    from accounts.roles import Role

    user, _created = User.objects.get_or_create(username="page-cpu-reviewer")
    user.groups.add(Group.objects.get(name=Role.REVIEWER))
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = interface
    return client


def measure(client, query, requests, rounds):
    """CPU ms per request of each round, and database ms of each request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):  # templates compiled, connections opened
        client.get("/claims/", query())
    cpu, database = [], []
    for _ in range(rounds):
        started = time.process_time()
        for _ in range(requests):
            answer = client.get("/claims/", query())
            if answer.status_code != 200:
                sys.exit(f"The page answered {answer.status_code}.")
        cpu.append((time.process_time() - started) * 1000 / requests)
        with CaptureQueriesContext(connection) as queries:
            client.get("/claims/", query())
        database.append(sum(float(query["time"]) for query in queries.captured_queries) * 1000)
    return cpu, database


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=20, help="requests of a page per round")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    setup()
    rng = random.Random(17)
    print(f"{'page':18} {'interface':9} {'CPU ms median / least':>22} {'database ms median / most':>26}  load")
    for interface in INTERFACES:
        client = reviewer_client(interface)
        for name, query in pages(rng).items():
            cpu, database = measure(client, query, args.requests, args.rounds)
            print(
                f"{name:18} {interface:9} {statistics.median(cpu):14.1f} / {min(cpu):5.1f}"
                f" {statistics.median(database):18.1f} / {max(database):5.1f}  {os.getloadavg()[0]:.2f}"
            )


if __name__ == "__main__":
    main()
