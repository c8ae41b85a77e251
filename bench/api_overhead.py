"""Benchmark: the CPU that the API's claim list spends on a request beside
the bare ``values()`` view's, measured in-process.

    DATABASE_URL=postgres://…/tracker_bench_api_100000 \\
        python bench/api_overhead.py [--requests 300] [--profile SCENARIO]

On a database that ``bench/api_list.py`` generated, Django's test client asks
the API (page of 25, token authentication) and the bare view of
``bench/bench_urls.py`` in turn, for each scenario of ``api_list.py``, and
this prints the median CPU time of a request to each (``time.process_time``:
this process's own, so that neither PostgreSQL's time nor the rest of the
machine's load counts, as they do in ``api_list.py``'s rates) and the bare
view's share of the API's. ``--profile`` prints where the API's CPU went for
one scenario (cProfile, counting CPU time, the functions of the project,
DRF and django-filter). Log lines are left out: both would write the same.
"""

import argparse
import cProfile
import logging
import os
import pstats
import secrets
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300, help="requests to each endpoint per scenario")
    parser.add_argument("--profile", metavar="SCENARIO", help='profile the API for one scenario, e.g. "list"')
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    os.environ.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="testserver",
        SECURE_SSL_REDIRECT="false",
        API_THROTTLE_USER="1000000/s",  # as bench/api_list.py's server: a throttle history of production's size
    )

    import django

    django.setup()
    logging.disable(logging.CRITICAL)
    from django.test import Client

    from bench.api_list import API_PATH, BARE_PATH, SCENARIOS, bench_token

    client = Client(HTTP_AUTHORIZATION=f"Token {bench_token()}")
    if args.profile:
        query = dict(SCENARIOS)[args.profile]
        profile(client, API_PATH + query, args.requests)
        return
    print(f"CPU per request, median of {args.requests} (load average {os.getloadavg()[0]:.2f}):")
    for name, query in SCENARIOS:
        api, bare = cpu_ms(client, (API_PATH + query, BARE_PATH + query), args.requests)
        print(
            f"  {name:15} api {api:5.2f} ms   bare {bare:5.2f} ms   "
            f"api - bare {api - bare:5.2f} ms   bare/api {bare / api:.2f}"
        )


def cpu_ms(client, paths, requests: int) -> list[float]:
    """The median CPU time (ms) of a GET of each of ``paths``, asked in
    turn (so that they share whatever the machine does meanwhile), after a
    warm-up."""
    times = [[] for _ in paths]
    for round_ in range(requests + 10):
        for path, taken in zip(paths, times, strict=True):
            started = time.process_time()
            response = client.get(path)
            elapsed = time.process_time() - started
            assert response.status_code == 200, response.content[:500]
            if round_ >= 10:
                taken.append(elapsed)
    return [statistics.median(taken) * 1000 for taken in times]


def profile(client, path: str, requests: int) -> None:
    for _ in range(10):
        client.get(path)
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for _ in range(requests):
        client.get(path)
    profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(r"/(claims|accounts|tracker|rest_framework|django_filters)/", 40)


if __name__ == "__main__":
    main()
