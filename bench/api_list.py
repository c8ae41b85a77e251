"""Benchmark: the API's claim list, filtered list and search against a bare
Django view of the same page, at several sizes.

    python bench/api_list.py [--claims 100000,1000000] [--seconds 20]

For each size, on PostgreSQL (DATABASE_URL names the base of the databases,
by default tracker_bench_api; size N uses ``<base>_N``, created, migrated
and filled by ``manage.py generate_data``'s generator once, then reused), it
serves the app in a production-mode server subprocess (``bench/settings.py``)
and loads each scenario for the given time with one client on loopback,
which asks in turn the API (page of 25, token authentication) and the bare
``values()`` view of ``bench/bench_urls.py`` with the same filters, so that
both meet the same load from whatever else runs on the machine. For each it
prints requests per second (one client's: one over the mean time a request
took), the server-side p50/p95 (Django's own time, from the
``Server-Timing`` header of ``bench/server_timing.py``: the development
server's reading and writing left out), the SQL queries of one page, the
page query's own time in PostgreSQL (median of EXPLAIN ANALYZE) and the
API's throughput as a share of the bare view's; then how each figure moved
from the smallest size to the largest. Targets: p95 under 50 ms, share at
least 0.8.
"""

import argparse
import http.client
import json
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/tracker_bench_api"
API_PATH = "/api/claims/?page_size=25"
BARE_PATH = "/bench/bare-claims/?page_size=25"
# (name, query string): the words are common in the generated claims (one in
# six English, one in twelve Chinese), so that a search has many matches to order.
SCENARIOS = [
    ("list", ""),
    ("filtered list", "&status=in_review&language=zh"),
    ("search English", "&q=shelling"),
    ("search Chinese", f"&q={quote('炮击')}"),
]
TARGET_P95_MS = 50.0
TARGET_RATIO = 0.8
USERNAME = "bench-editor"
_SERVER_TIME = re.compile(r"app;dur=([0-9.]+)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", default="100000,1000000", help="sizes, comma-separated")
    parser.add_argument("--seconds", type=float, default=20.0, help="how long to load each scenario")
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)  # one size, in a process of its own
    args = parser.parse_args()
    base_url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)

    if args.size:
        print(json.dumps(measure(f"{base_url}_{args.size}", args.size, args.seconds)))
        return
    results = {}
    for size in sorted(int(size) for size in args.claims.split(",")):
        # Django holds one database per process: each size runs in a process of its own.
        command = [sys.executable, __file__, f"--size={size}", f"--seconds={args.seconds}"]
        output = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True).stdout
        results[size] = json.loads(output.splitlines()[-1])
        report(size, results[size])
    if len(results) > 1:
        report_growth(results)


def measure(database_url: str, size: int, seconds: float) -> dict:
    """Every scenario through the API and the bare view, on ``size`` claims."""
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ["DEMO_DATA_ALLOWED"] = "true"
    ensure_database(database_url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from claims.generation import generate
    from claims.models import Claim

    call_command("migrate", verbosity=0)
    existing = Claim.objects.count()
    if not existing:
        started = time.perf_counter()
        generate(size)
        # As autovacuum would after so many inserts: without the visibility
        # map, planning a query visits heap pages to find an index's ends.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        print(f"Generated {size:,} claims in {time.perf_counter() - started:.0f} s.", file=sys.stderr)
    elif existing != size:
        raise SystemExit(f"{database_url} holds {existing:,} claims, not {size:,}: drop it to generate it again.")
    token = bench_token()
    headers = {"Authorization": f"Token {token}"}

    results = {"load": os.getloadavg()[0]}
    with served() as port:
        for name, query in SCENARIOS:
            paths = {"api": API_PATH + query, "bare": BARE_PATH + query}
            for endpoint, result in load(port, paths, headers, seconds).items():
                queries = queries_of_page(paths[endpoint], token)
                result["queries"] = len(queries)
                result["database"] = database_ms(queries[-1])
                results[f"{name}/{endpoint}"] = result
    results["load"] = max(results["load"], os.getloadavg()[0])
    return results


def bench_token() -> str:
    """The API token of the benchmark's editor (a member: every claim is listed)."""
    from django.contrib.auth.models import Group, User

    from accounts.roles import Role
    from accounts.tokens import replace

    user, created = User.objects.get_or_create(username=USERNAME)
    if created:
        user.groups.add(Group.objects.get(name=Role.EDITOR))
    return replace(user, "benchmark")


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


def queries_of_page(path: str, token: str) -> list[str]:
    """The SQL of the queries of one request of ``path``; the page's own is the last."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Token {token}")
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, response.content[:500]
    return [query["sql"] for query in captured.captured_queries]


def database_ms(sql: str, runs: int = 7) -> float:
    """PostgreSQL's own median time (planning and execution, by EXPLAIN
    ANALYZE) for ``sql``: a figure that the machine's other load moves far
    less than a request's."""
    from django.db import connection

    times = []
    with connection.cursor() as cursor:
        for _ in range(runs):
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
            plan = cursor.fetchone()[0][0]
            times.append(plan["Planning Time"] + plan["Execution Time"])
    return statistics.median(times)


class served:
    """The app in a production-mode server subprocess (Django's development
    server without threads or reloading: no WSGI server is installed), with
    persistent database connections and a throttle that refuses nothing."""

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
            # A limit per second, not per minute: DRF keeps a throttle history of every
            # request in the period, which at the benchmark's rate would grow to tens of
            # thousands (milliseconds a request to read and write) where production
            # (1000/min) keeps at most a thousand.
            "API_THROTTLE_USER": "1000000/s",
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


def load(port: int, paths: dict, headers: dict, seconds: float) -> dict:
    """For each of ``paths`` (endpoint: path), requested in turn by one
    client for ``seconds``: requests per second (one over the mean time a
    request took, as the client saw it) and the server-side p50/p95.

    Taking turns, the endpoints share whatever else the machine is doing at
    the time, so that their ratio stays fair when the load around them moves.
    """
    for _ in range(5):  # warm up: imports, connections, caches
        for path in paths.values():
            fetch(port, path, headers)
    seen = {endpoint: {"latencies": [], "server": [], "errors": 0} for endpoint in paths}
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        for endpoint, path in paths.items():
            started = time.perf_counter()
            status, server_ms = fetch(port, path, headers)
            if status == 200:
                seen[endpoint]["latencies"].append(time.perf_counter() - started)
                seen[endpoint]["server"].append(server_ms)
            else:
                seen[endpoint]["errors"] += 1
    results = {}
    for endpoint, runs in seen.items():
        cuts = statistics.quantiles(runs["server"], n=20)
        results[endpoint] = {
            "requests": len(runs["server"]),
            "errors": runs["errors"],
            "rps": 1 / statistics.mean(runs["latencies"]),
            "p50": cuts[9],
            "p95": cuts[18],
        }
    return results


def fetch(port: int, path: str, headers: dict) -> tuple[int, float]:
    """The status of a GET of ``path`` and the server's time for it (ms)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={**headers, "Connection": "close"})
        response = connection.getresponse()
        response.read()
        timing = _SERVER_TIME.search(response.getheader("Server-Timing", ""))
        return response.status, float(timing.group(1)) if timing else float("nan")
    finally:
        connection.close()


def report(size: int, results: dict) -> None:
    print(f"\n{size:,} claims (load average {results['load']:.2f}):")
    for name, _query in SCENARIOS:
        api, bare = results[f"{name}/api"], results[f"{name}/bare"]
        for endpoint, result in (("api", api), ("bare", bare)):
            print(
                f"  {name:15} {endpoint:4} {result['rps']:7.1f} req/s   p50 {result['p50']:6.2f} ms   "
                f"p95 {result['p95']:6.2f} ms   {result['queries']} queries, page's {result['database']:5.2f} ms   "
                f"({result['requests']} requests, {result['errors']} errors)"
            )
        ratio = api["rps"] / bare["rps"]
        print(
            f"  {name:15} api/bare {ratio:.2f} ({'meets' if ratio >= TARGET_RATIO else 'misses'} {TARGET_RATIO}), "
            f"api p95 {'meets' if api['p95'] < TARGET_P95_MS else 'misses'} {TARGET_P95_MS:.0f} ms"
        )


def report_growth(results: dict) -> None:
    smallest, largest = min(results), max(results)
    low, high = results[smallest], results[largest]
    print(f"\nFrom {smallest:,} to {largest:,} claims:")
    for name, _query in SCENARIOS:
        for endpoint in ("api", "bare"):
            before, after = low[f"{name}/{endpoint}"], high[f"{name}/{endpoint}"]
            moves = "   ".join(
                f"{figure} {before[figure]:.1f} → {after[figure]:.1f} ({after[figure] / before[figure]:.2f}×)"
                for figure in ("rps", "p50", "p95", "database")
            )
            print(f"  {name:15} {endpoint:4} {moves}")
        ratios = [result[f"{name}/api"]["rps"] / result[f"{name}/bare"]["rps"] for result in (low, high)]
        print(f"  {name:15} api/bare {ratios[0]:.2f} → {ratios[1]:.2f}")


if __name__ == "__main__":
    main()
