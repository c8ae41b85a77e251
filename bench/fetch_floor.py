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
* urllib3 alone, one request after another, for comparison;
* libcurl alone (pycurl's multi interface), 50 at once from one thread:
  the transfers run in C, and Python only hands them over and collects
  their answers.

Each line gives the CPU time of this process per fetch (user and system)
and what two cores would reach at that cost with nothing else to do: the
page server, Redis and PostgreSQL, and the rest of a check, share them.

Then it runs the checker's batches in this process (``checking.run_checks``,
batches of 50 over ``--batch-pages`` sources of the bench database, first
checks and then unchanged re-checks answered 304), with a thread a page,
as the checker fetches, with 8 threads, and with one fetching the pages in
turn, and prints for the re-checks the CPU the fetches took in the
threads that ran them and the whole process's CPU, per check: what the
threads' taking turns on the GIL costs when every answer comes at once.
Runs against DATABASE_URL (default: the ``tracker_bench`` database of
``bench/source_checks.py``, created and migrated if missing).
"""

import argparse
import asyncio
import hashlib
import io
import os
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pycurl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.source_checks import DEFAULT_DATABASE_URL, SERVER_STATE, create_sources, page_for, setup_django, start_server

CONCURRENCY = 50  # a batch's fetches at once (SOURCE_CHECK_BATCH_SIZE)


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
    parser.add_argument("--batch-pages", type=int, default=1000, help="sources checked in batches")
    args = parser.parse_args()
    server, port = start_server()
    SERVER_STATE["honour_conditional"].value = 1
    setup_django(os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL), tempfile.mkdtemp(prefix="bench-media-"), None)

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

    report(f"libcurl alone, 304, {CONCURRENCY} at once", cpu_ms_per_call(lambda: curl_multi(urls, etags)))

    for threads in (CONCURRENCY, 8, 1):
        fetch_ms, process_ms = batch_cpu(port, args.batch_pages, threads)
        print(
            f"{f'batches, {threads} fetch thread(s) a process':>44}: re-checks (304) took {fetch_ms:5.3f} ms of "
            f"CPU a check in the fetch threads, {process_ms:5.3f} ms in the whole process"
        )
    server.terminate()


def curl_multi(urls: list[str], etags: list[str]) -> int:
    """Fetch each of ``urls`` once, asking with its ETag, ``CONCURRENCY`` at
    once through one libcurl multi handle, whose connections are kept from
    transfer to transfer; how many were fetched. Raises unless every answer
    was a 304."""
    multi, idle = pycurl.CurlMulti(), [pycurl.Curl() for _ in range(CONCURRENCY)]
    waiting, running, statuses = list(zip(urls, etags, strict=True)), 0, []
    while waiting or running:
        while waiting and idle:
            url, etag = waiting.pop()
            handle = idle.pop()
            handle.setopt(pycurl.URL, url)
            handle.setopt(pycurl.HTTPHEADER, [f"If-None-Match: {etag}"])
            handle.setopt(pycurl.WRITEDATA, io.BytesIO())
            multi.add_handle(handle)
            running += 1
        while multi.perform()[0] == pycurl.E_CALL_MULTI_PERFORM:
            pass
        queued = 1
        while queued:
            queued, succeeded, failed = multi.info_read()
            for handle in [*succeeded, *(handle for handle, _code, _message in failed)]:
                statuses.append(handle.getinfo(pycurl.RESPONSE_CODE))
                multi.remove_handle(handle)
                idle.append(handle)
                running -= 1
        if running:
            multi.select(1.0)
    if set(statuses) != {304}:
        raise SystemExit(f"libcurl's answers were not all 304: {sorted(set(statuses))}")
    return len(urls)


def batch_cpu(port: int, pages: int, threads: int) -> tuple[float, float]:
    """``pages`` new sources checked in batches by ``run_checks`` with
    ``threads`` fetch threads, then re-checked: the CPU milliseconds a
    re-check took in the fetch threads and in the whole process."""
    from django.utils import timezone

    from sources import checking

    run = uuid.uuid4().hex[:8]
    sources = create_sources(f"http://127.0.0.1:{port}/{run}/article-{i}" for i in range(pages))
    batches = [sources[start : start + CONCURRENCY] for start in range(0, pages, CONCURRENCY)]
    in_fetches, lock = [0.0], threading.Lock()
    checker_fetch, most_threads = checking.fetch, checking._MOST_FETCH_THREADS

    def timed_fetch(*args, **kwargs):
        started = time.thread_time()
        try:
            return checker_fetch(*args, **kwargs)
        finally:
            with lock:
                in_fetches[0] += time.thread_time() - started

    def check_all():
        asked_at = timezone.now()
        for batch in batches:
            checking.run_checks([(source.pk, asked_at) for source in batch])
        return pages

    # The process's fetch threads, made anew with this bound; the fetches, timed in their threads.
    checking._fetch_threads.cache_clear()
    checking._MOST_FETCH_THREADS, checking.fetch = threads, timed_fetch
    try:
        check_all()  # first checks: each source's original, which the re-checks revisit
        in_fetches[0] = 0.0
        process_ms = cpu_ms_per_call(check_all)
    finally:
        checking._fetch_threads.cache_clear()
        checking._MOST_FETCH_THREADS, checking.fetch = most_threads, checker_fetch
    return in_fetches[0] * 1000 / pages, process_ms


if __name__ == "__main__":
    main()
