"""What one fetch of an unchanged page costs in CPU, and so the most
re-checks a second this machine could do if fetching were all they did.

    python bench/fetch_floor.py [--n 3000]

Against the page server of ``bench/source_checks.py`` (a process of its
own: keep-alive, pages of about 6 KB, a 304 to a conditional request), this
process fetches the same pages in turn with:

* the checker's fetch (``sources.fetch.fetch``), asking conditionally (a
  304) and not (the page whole), one fetch after another;
* the politeness limiter alone (``sources.politeness.visiting``: its Redis
  round trips), which every fetch goes through;
* httpx alone: one client, one request after another; from 50 threads at
  once, as a batch's fetches run; and from an asyncio loop, 50 at once;
* urllib3 alone, one request after another, for comparison.

Each line gives the CPU time of this process per fetch (user and system)
and what two cores would reach at that cost with nothing else to do: the
page server, Redis and PostgreSQL, and the rest of a check, share them.
"""

import argparse
import asyncio
import hashlib
import os
import secrets
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.source_checks import SERVER_STATE, page_for, start_server

CONCURRENCY = 50  # a batch's fetches at once (SOURCE_CHECK_BATCH_SIZE)


def setup_django():
    os.environ["DJANGO_SETTINGS_MODULE"] = "tracker.settings"
    os.environ["FETCH_ALLOWED_NETWORKS"] = "127.0.0.0/8"
    # As bench/source_checks.py: the page server stands for many outlets.
    os.environ.update(FETCH_HOST_CONCURRENCY="100000", FETCH_HOST_RATE="100000000/second")
    os.environ.update(DEBUG="false", SECRET_KEY=secrets.token_urlsafe(60), ALLOWED_HOSTS="localhost")
    import django

    django.setup()


def cpu_ms_per_call(calls) -> float:
    """CPU milliseconds (user and system, all this process's threads) per item of ``calls()``'s run."""
    before = os.times()
    count = calls()
    after = os.times()
    return ((after.user - before.user) + (after.system - before.system)) * 1000 / count


def report(name: str, ms: float) -> None:
    cores = os.cpu_count() or 1
    print(f"{name:>44}: {ms:5.3f} ms of CPU a fetch; {cores} cores at that cost: {cores * 1000 / ms:6.0f}/s")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=3000, help="fetches per measurement")
    args = parser.parse_args()
    server, port = start_server()
    SERVER_STATE["honour_conditional"].value = 1
    setup_django()

    import httpx
    import urllib3

    from sources import politeness
    from sources.fetch import Validators, fetch

    paths = [f"/floor/article-{i}" for i in range(args.n)]
    urls = [f"http://127.0.0.1:{port}{path}" for path in paths]
    etags = [f'"{hashlib.sha256(page_for(path)).hexdigest()[:16]}"' for path in paths]  # as the server makes them
    validators = [Validators(url, etag, "") for url, etag in zip(urls, etags, strict=True)]

    def run(each, items):
        for item in items:
            each(item)
        return len(items)

    fetch(urls[0])  # warm: the TLS context, the kept client, the limiter's Redis connection
    not_modified = fetch(urls[0], validators[0])
    if not_modified.outcome != "not_modified":
        raise SystemExit(f"The page server did not answer 304: {not_modified.outcome}")

    report("checker's fetch, 304", cpu_ms_per_call(lambda: run(lambda v: fetch(v.url, v), validators)))
    report("checker's fetch, page whole", cpu_ms_per_call(lambda: run(fetch, urls)))

    def visit(_):
        with politeness.visiting("127.0.0.1", time.monotonic() + 10):
            pass

    report("of which the politeness limiter", cpu_ms_per_call(lambda: run(visit, urls)))

    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    with httpx.Client(limits=limits, trust_env=False) as client:

        def get(index):
            with client.stream("GET", urls[index], headers={"If-None-Match": etags[index]}) as response:
                response.read()

        report("httpx alone, 304, one after another", cpu_ms_per_call(lambda: run(get, range(args.n))))

        def from_threads():
            with ThreadPoolExecutor(CONCURRENCY) as pool:
                list(pool.map(get, range(args.n)))
            return args.n

        report(f"httpx alone, 304, {CONCURRENCY} threads", cpu_ms_per_call(from_threads))

    async def from_loop():
        indexes = iter(range(args.n))
        async with httpx.AsyncClient(limits=limits, trust_env=False) as client:

            async def fetcher():
                for index in indexes:  # shared: each index is taken by one of the fetchers
                    await client.get(urls[index], headers={"If-None-Match": etags[index]})

            await asyncio.gather(*(fetcher() for _ in range(CONCURRENCY)))
        return args.n

    report(f"httpx alone, 304, asyncio {CONCURRENCY} at once", cpu_ms_per_call(lambda: asyncio.run(from_loop())))

    with urllib3.HTTPConnectionPool("127.0.0.1", port, maxsize=CONCURRENCY) as pool:

        def get_urllib3(index):
            headers = {"If-None-Match": etags[index]}
            response = pool.urlopen("GET", paths[index], headers=headers, preload_content=False, retries=False)
            response.read()
            response.release_conn()

        report("urllib3 alone, 304, one after another", cpu_ms_per_call(lambda: run(get_urllib3, range(args.n))))
    server.terminate()


if __name__ == "__main__":
    main()
