"""Benchmark: the API's claim list against a bare Django view of the same page.

    python bench/api_list.py [--seconds 15] [--clients 2]

On PostgreSQL (DATABASE_URL, by default the tracker_bench_api database,
created and migrated if missing) with 100,000 claims, 200,000 sources and
300,000 pieces of evidence (generated once), it serves the app in a
production-mode server subprocess and loads, for the given time each,
``GET /api/claims/`` (page of 25, token authentication) and the bare view of
``bench/bench_urls.py``. It prints requests per second, p50/p95 latency, the
SQL queries of one page of each, and the ratio of the two throughputs.
"""

import argparse
import http.client
import multiprocessing
import os
import secrets
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/tracker_bench_api"
API_PATH = "/api/claims/?page_size=25"
BARE_PATH = "/bench/bare-claims/"
TARGET_RATIO = 0.6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15.0, help="how long to load each endpoint")
    parser.add_argument("--clients", type=int, default=2, help="concurrent client processes")
    args = parser.parse_args()

    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    os.environ["ROOT_URLCONF"] = "bench.bench_urls"
    ensure_database(os.environ["DATABASE_URL"])

    import django

    django.setup()
    from django.core.management import call_command

    from bench import bench_data

    call_command("migrate", verbosity=0)
    token = bench_data.bench_token()
    if bench_data.is_generated():
        print("Data already generated.")
    else:
        started = time.perf_counter()
        bench_data.generate()
        print(f"Generated the data in {time.perf_counter() - started:.0f} s.")

    queries = {path: queries_per_page(path, token) for path in (API_PATH, BARE_PATH)}
    headers = {"Authorization": f"Token {token}"}
    with served() as port:
        results = {path: load(port, path, headers, args.seconds, args.clients) for path in (API_PATH, BARE_PATH)}

    for path, result in results.items():
        print(
            f"{path:32} {result['rps']:8.1f} req/s   p50 {result['p50']:6.1f} ms   p95 {result['p95']:6.1f} ms   "
            f"{queries[path]} SQL queries/page   ({result['requests']} requests, {result['errors']} errors)"
        )
    ratio = results[API_PATH]["rps"] / results[BARE_PATH]["rps"]
    verdict = "meets" if ratio >= TARGET_RATIO else "misses"
    print(f"api/bare throughput ratio: {ratio:.2f} ({verdict} the target of {TARGET_RATIO})")


def ensure_database(url: str) -> None:
    """Create the benchmark's database if it does not exist yet."""
    import dj_database_url
    import psycopg
    from psycopg import sql

    settings = dj_database_url.parse(url)
    server = {"host": settings["HOST"], "port": settings["PORT"] or 5432, "user": settings["USER"]}
    if settings["PASSWORD"]:
        server["password"] = settings["PASSWORD"]
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [settings["NAME"]]).fetchone():
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(settings["NAME"])))


def queries_per_page(path: str, token: str) -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Token {token}")
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, response.content[:500]
    return len(captured)


class served:
    """The app in a production-mode server subprocess (Django's development
    server without threads or reloading: no WSGI server is installed), with
    persistent database connections and throttling out of the way."""

    def __enter__(self) -> int:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        env = {
            **os.environ,
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(60),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false",
            "DATABASE_CONN_MAX_AGE": "600",
            "API_THROTTLE_USER": "100000000/min",
        }
        command = [sys.executable, "-m", "django", "runserver", "--noreload", "--nothreading", f"127.0.0.1:{self.port}"]
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self.port
            except OSError:
                time.sleep(0.2)
        self.process.kill()
        raise RuntimeError("the benchmark server did not start")

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def load(port: int, path: str, headers: dict, seconds: float, clients: int) -> dict:
    """Requests per second and latency percentiles of ``clients`` processes
    requesting ``path`` one after another for ``seconds``."""
    for _ in range(5):  # warm up: imports, connections, caches
        fetch(port, path, headers)
    with multiprocessing.Pool(clients) as pool:
        runs = pool.starmap(client_loop, [(port, path, headers, seconds)] * clients)
    latencies = sorted(latency for run_latencies, _ in runs for latency in run_latencies)
    cuts = statistics.quantiles(latencies, n=20)
    return {
        "requests": len(latencies),
        "errors": sum(errors for _, errors in runs),
        "rps": len(latencies) / seconds,
        "p50": cuts[9] * 1000,
        "p95": cuts[18] * 1000,
    }


def client_loop(port: int, path: str, headers: dict, seconds: float) -> tuple[list[float], int]:
    latencies, errors = [], 0
    deadline = time.perf_counter() + seconds
    while (started := time.perf_counter()) < deadline:
        if fetch(port, path, headers) == 200:
            latencies.append(time.perf_counter() - started)
        else:
            errors += 1
    return latencies, errors


def fetch(port: int, path: str, headers: dict) -> int:
    # A connection per request: the single-threaded server serves one at a time.
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={**headers, "Connection": "close"})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


if __name__ == "__main__":
    main()
