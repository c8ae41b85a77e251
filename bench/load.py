"""Load test: the production web server (``bin/serve web``: gunicorn with
``tracker/gunicorn.conf.py``, DEBUG off) on loopback, against a database filled
by ``manage.py generate_data``, with N concurrent clients, each a logged-in
reviewer browsing: the claim list with filters, searches in English and
Chinese, claim pages, event pages, and the API's claim list. Prints per page
the requests, p50/p95/p99 in milliseconds and the errors (any answer but 200,
or no answer), and the throughput; several runs, each bounded in time.

    DATABASE_URL=postgres://.../tracker_bench .venv/bin/python manage.py generate_data --claims 100000
    DATABASE_URL=postgres://.../tracker_bench .venv/bin/python -m bench.load --clients 50 --seconds 300 --runs 1

A script, not a test: the figures depend on the machine (and on what else runs on it).
"""

import argparse
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

import httpx

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = secrets.token_urlsafe(48)
# Production mode on plain loopback HTTP: no TLS redirect, no HSTS; the API's
# per-user throttle lifted (one reviewer's token stands for many reviewers here).
SERVER_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": SECRET_KEY,
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "false",
    "SECURE_HSTS_SECONDS": "0",
    "API_THROTTLE_USER": "1000000/min",
    "LOG_LEVEL": "WARNING",
}
SEARCHES = ["shelling", "soldiers killed", "炮击", "士兵死亡", "market"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def prepare():
    """The reviewer's session cookie and API token, and the claims and events to visit."""
    os.environ.update(SERVER_ENV)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import User
    from django.contrib.sessions.backends.db import SessionStore

    from accounts.tokens import replace
    from claims.generation import GENERATOR_USERNAME
    from claims.models import Claim, Event

    user = User.objects.get(username=GENERATOR_USERNAME)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    token = replace(user, "load test")
    claims = list(Claim.objects.order_by("?").values_list("pk", flat=True)[:2000])
    events = list(Event.objects.order_by("?").values_list("slug", flat=True)[:200])
    if not claims:
        sys.exit("No claims: run manage.py generate_data first.")
    return session.session_key, token, claims, events


def pages(claims, events, rng):
    """The page kinds a reviewer visits, each a function giving a path to visit."""
    statuses, languages = ["unverified", "in_review"], ["en", "zh"]
    return {
        "list": lambda: f"/claims/?status={rng.choice(statuses)}&language={rng.choice(languages)}",
        "search": lambda: f"/claims/?q={rng.choice(SEARCHES)}",
        "claim": lambda: f"/claims/{rng.choice(claims)}/",
        "event": lambda: f"/events/{rng.choice(events)}/",
        "api_list": lambda: f"/api/claims/?status={rng.choice(statuses)}",
    }


def client(url, session_key, token, claims, events, deadline, results, seed):
    rng = random.Random(seed)
    kinds = pages(claims, events, rng)
    cookie = {"Cookie": f"sessionid={session_key}"}
    api = {"Authorization": f"Token {token}", "Accept": "application/json"}
    with httpx.Client(base_url=url, timeout=30) as http:
        while time.monotonic() < deadline:
            kind = rng.choice(list(kinds))
            path = kinds[kind]()
            started = time.perf_counter()
            try:
                answer = http.get(path, headers=api if kind == "api_list" else cookie)
                ok = answer.status_code == 200
            except httpx.HTTPError:
                ok = False
            results[kind].append(((time.perf_counter() - started) * 1000, ok))


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def run(url, prepared, clients, seconds, number):
    results = defaultdict(list)
    deadline = time.monotonic() + seconds
    threads = [
        threading.Thread(target=client, args=(url, *prepared, deadline, results, number * 1000 + n))
        for n in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    total = sum(len(r) for r in results.values())
    errors = sum(1 for r in results.values() for _ms, ok in r if not ok)
    print(f"run {number}: {clients} clients, {seconds} s: {total} requests, {total / seconds:.1f}/s, {errors} errors")
    print(f"  {'page':<10}{'requests':>10}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}{'errors':>8}")
    for kind in sorted(results):
        times = [ms for ms, _ok in results[kind]]
        failed = sum(1 for _ms, ok in results[kind] if not ok)
        print(
            f"  {kind:<10}{len(times):>10}{statistics.median(times):>10.0f}"
            f"{percentile(times, 95):>10.0f}{percentile(times, 99):>10.0f}{failed:>8}"
        )
    return errors


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--web-concurrency", type=int, default=None, help="gunicorn processes (default: its own)")
    args = parser.parse_args()

    prepared = prepare()
    port = free_port()
    env = {**os.environ, **SERVER_ENV, "PORT": str(port), "STATIC_ROOT": tempfile.mkdtemp(prefix="load-static-")}
    if args.web_concurrency:
        env["WEB_CONCURRENCY"] = str(args.web_concurrency)
    log = Path(tempfile.mkdtemp(prefix="load-web-")) / "web.log"
    command = [str(BASE_DIR / "bin" / "serve"), "web"]
    output = log.open("ab")
    server = subprocess.Popen(
        command, cwd=BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{url}/health/live", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                sys.exit(f"The server did not start; its log: {log}")
            time.sleep(0.5)
        run(url, prepared, min(args.clients, 4), 5, 0)  # warm-up, not counted
        errors = sum(run(url, prepared, args.clients, args.seconds, n) for n in range(1, args.runs + 1))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
    print(f"server log: {log}")
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
