"""Throughput of source checks end to end, against a bare fetch loop, and of
re-checks against linkinator.

    python bench/source_checks.py --n 5000 [--enqueue together|each] [--pool prefork --concurrency 3]
    python bench/source_checks.py --mode recheck --n 5000
    python bench/source_checks.py --mode memory --n 20000

``--mode recheck`` checks the same N pages four times: first, then again
unchanged with the server ignoring conditional requests (each page comes
whole and is found unchanged by its hash), then unchanged with the server
answering 304 to them, then with 5% of the pages changed. It prints each
run's rate, the bytes each check added to the database (the sources app's
tables, indexes and TOAST included) and to the archive store, how many
changed pages were found, and runs linkinator (installed with npm into a
temporary folder, ``--concurrency 100``) over the same pages, printing its
rate and each run's ratio to it. The page server stands for many outlets,
so the per-host limits are lifted for the run (``FETCH_HOST_*``).

``--mode memory`` checks N pages once, sampling the worker's resident
memory (its main and pool processes) every second, and prints how far it
moved once warmed up (after the first fifth of the checks).

Creates N sources on a local HTTP server, starts a real Celery worker on a
queue of its own, asks for N checks (``--enqueue together``: one
``request_checks`` call, as the daily re-check does, which sends them in
batches; ``each``: one ``request_check`` and committed transaction per
source, as saved claims do) and times until every check row is finished.
Then fetches the same N URLs with a bare ``httpx.AsyncClient`` loop (50 at a
time), the ceiling for this machine, and prints both rates and their ratio,
and where the CPU went during each run (per check, read from /proc: the
worker's processes, PostgreSQL, Redis, the page server, this script), which
says what limits the rate.

Runs against DATABASE_URL (default: a ``tracker_bench`` database, created and
migrated if missing) and the Redis of REDIS_URL / CELERY_BROKER_URL.
"""

import argparse
import asyncio
import hashlib
import json
import multiprocessing
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.processes import stop_group

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/tracker_bench"

# A news page of realistic size (about 6 KB), so that text extraction and
# archiving do the work they do on real articles. ``%(path)s`` makes each page distinct.
PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Report %(path)s</title></head>
<body><header><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/region">Region</a></nav></header>
<main><article><h1>Shelling of the market in report %(path)s</h1><p class="byline">By a correspondent</p>
%(paragraphs)s</article></main><footer><p>All rights reserved.</p></footer></body></html>"""
PARAGRAPH = (
    "<p>At least 27 people were killed and 200 injured when shells hit the central market on %(n)s, local "
    "officials said. Witnesses described fires spreading through the stalls as ambulances struggled to reach "
    "the wounded, and the regional hospital appealed for blood donors through the evening.</p>"
)


def page_for(path: str, changed: bool = False) -> bytes:
    paragraphs = "\n".join(PARAGRAPH % {"n": f"{path} day {i}"} for i in range(20))
    if changed:
        paragraphs += "\n<p>Update: the toll has risen to 32, officials said later.</p>"
    return (PAGE % {"path": path, "paragraphs": paragraphs}).encode()


def index_for(path: str) -> bytes:
    """``/RUN/index-N.html``: a page linking to the run's N articles, for linkinator."""
    run, name = path.strip("/").split("/", 1)
    count = int(name.removeprefix("index-").removesuffix(".html"))
    links = "".join(f'<a href="/{run}/article-{i}">{i}</a>\n' for i in range(count))
    return f"<!doctype html><html><body>{links}</body></html>".encode()


# --- the HTTP server: asyncio streams, keep-alive, one page per path --------

# What the server does, set by the benchmark between runs (shared memory):
# answer conditional requests with 304, and serve every twentieth page changed.
SERVER_STATE = {"honour_conditional": None, "changed": None}
# The pages the server has: the run's articles and its index; any other address is not found.
ARTICLE_PATH = re.compile(r"^/\w+/(article-\d+|index-\d+\.html)$")


def _is_changed(path: str) -> bool:
    number = path.rsplit("-", 1)[-1]
    return bool(SERVER_STATE["changed"].value) and number.isdigit() and int(number) % 20 == 0


async def _serve_connection(reader, writer):
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            method, target = head.split(b" ", 2)[:2]
            path = target.decode()
            if not ARTICLE_PATH.match(path):
                # As a real site does, so that the soft-404 probe of a random address finds no page.
                writer.write(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                await writer.drain()
                continue
            body = index_for(path) if "/index-" in path else page_for(path, _is_changed(path))
            etag = b'"%s"' % hashlib.sha256(body).hexdigest()[:16].encode()
            if SERVER_STATE["honour_conditional"].value and b"if-none-match: " + etag in head.lower():
                writer.write(b"HTTP/1.1 304 Not Modified\r\nETag: %s\r\n\r\n" % etag)
            else:
                writer.write(
                    b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nETag: %s\r\n"
                    b"Content-Length: %d\r\n\r\n%s" % (etag, len(body), body if method != b"HEAD" else b"")
                )
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


def _run_server(port_pipe):
    async def main():
        server = await asyncio.start_server(_serve_connection, "127.0.0.1", 0, backlog=4096)
        port_pipe.send(server.sockets[0].getsockname()[1])
        async with server:
            await server.serve_forever()

    asyncio.run(main())


def start_server():
    """The server in a process of its own; returns (process, port)."""
    SERVER_STATE["honour_conditional"] = multiprocessing.Value("b", 0)
    SERVER_STATE["changed"] = multiprocessing.Value("b", 0)
    parent_end, child_end = multiprocessing.Pipe()
    process = multiprocessing.get_context("fork").Process(target=_run_server, args=(child_end,), daemon=True)
    process.start()
    return process, parent_end.recv()


# --- the database -------------------------------------------------------------


def ensure_database(url: str):
    """Create the database of ``url`` if it does not exist yet."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(database_url: str, media_root: str, queue: str | None):
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "tracker.settings"
    os.environ["MEDIA_ROOT"] = media_root
    os.environ["FETCH_ALLOWED_NETWORKS"] = "127.0.0.0/8"
    # The page server stands for many outlets: the per-host limits would make it one slow outlet.
    os.environ.update(FETCH_HOST_CONCURRENCY="100000", FETCH_HOST_RATE="100000000/second")
    # As in production: with DEBUG on, Django would also keep a copy of every query the worker makes.
    os.environ.update(DEBUG="false", SECRET_KEY=secrets.token_urlsafe(60), ALLOWED_HOSTS="localhost")
    ensure_database(database_url)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if queue is not None:
        # Every task to the benchmark's worker. The Celery app reads its CELERY_*
        # settings from Django's; its router reads them at the first send.
        settings.CELERY_TASK_ROUTES = ({"*": {"queue": queue}},)


# --- the worker -----------------------------------------------------------------


def start_worker(queue: str, pool: str, concurrency: int, log_path: Path, conn_max_age: int):
    """A Celery worker on ``queue`` in a session of its own; waits until it answers a ping."""
    from tracker.celery import app

    hostname = f"bench-{queue}@%h"
    env = {**os.environ, "DATABASE_CONN_MAX_AGE": str(conn_max_age)}
    command = [sys.executable, "-m", "celery", "-A", "tracker", "worker", f"--pool={pool}", "-c", str(concurrency)]
    command += ["--without-heartbeat", "--without-gossip", "--without-mingle", "-Q", queue, "-n", hostname]
    command += ["-l", os.environ.get("BENCH_WORKER_LOG_LEVEL", "warning")]
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            command, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    node = hostname.replace("%h", os.uname().nodename)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"The worker exited:\n{log_path.read_text()}")
        if app.control.ping(destination=[node], timeout=0.5):
            return process
    raise SystemExit(f"The worker did not answer:\n{log_path.read_text()}")


# --- where the CPU goes ---------------------------------------------------------------


def _stat(pid) -> list[str] | None:
    """The fields of /proc/PID/stat after the command name (state first), or
    ``None`` once the process is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return None


def _ticks(fields, *, reaped_children=False) -> int:
    # proc(5): utime, stime, cutime, cstime are fields 14 to 17, here 11 to 14.
    return sum(int(value) for value in fields[11 : 15 if reaped_children else 13])


def _processes():
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                yield int(entry.name), (entry / "comm").read_text().strip()
            except (FileNotFoundError, ProcessLookupError):
                continue


def _serves_database(pid, database: str) -> bool:
    """Whether the PostgreSQL process ``pid`` is a backend connected to ``database``
    (its title reads "postgres: 15/main: USER DATABASE HOST(PORT) STATE")."""
    try:
        title = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return len(title) > 3 and title[3] == database


def cpu_seconds(worker_pid, server_pid) -> dict[str, float]:
    """CPU seconds used so far by each party to a run. The worker's processes
    that have exited count through its main process (its reaped children's
    time). PostgreSQL is the backends connected to the benchmark's database,
    each by its id (``"PostgreSQL <pid>"``, summed by ``CpuUse``), so that a
    backend that ends within a run takes none of what it used before with
    it: the server's other databases and its background writers are left
    out, as the machine may be shared with other work on the same server."""
    from django.conf import settings

    database = settings.DATABASES["default"]["NAME"]
    ticks = dict.fromkeys(["worker", "PostgreSQL", "Redis", "page server"], 0)
    for pid, name in _processes():
        fields = _stat(pid)
        if fields is None:
            continue
        if worker_pid is not None and int(fields[2]) == worker_pid:  # the worker's process group
            ticks["worker"] += _ticks(fields, reaped_children=pid == worker_pid)
        elif name == "postgres" and _serves_database(pid, database):
            ticks[f"PostgreSQL {pid}"] = _ticks(fields)
        elif name == "redis-server":
            ticks["Redis"] += _ticks(fields)
        elif pid == server_pid:
            ticks["page server"] += _ticks(fields)
    seconds = {party: count / os.sysconf("SC_CLK_TCK") for party, count in ticks.items()}
    mine = os.times()
    seconds["this script"] = mine.user + mine.system
    return seconds


def machine_busy() -> tuple[float, float]:
    """Busy and total CPU seconds of the whole machine so far, all cores."""
    values = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle, iowait
    total = sum(values[:8])  # guest time is already counted in user time
    return (total - idle) / os.sysconf("SC_CLK_TCK"), total / os.sysconf("SC_CLK_TCK")


class CpuUse:
    """Where the CPU went between entering and leaving the block."""

    def __init__(self, worker_pid, server_pid):
        self.pids = worker_pid, server_pid

    def __enter__(self):
        self.start, self.machine_start = cpu_seconds(*self.pids), machine_busy()
        return self

    def __exit__(self, *exc):
        end, (busy, total) = cpu_seconds(*self.pids), machine_busy()
        self.used = {}
        for party, seconds in end.items():
            # A backend that came in the run counts whole; one that left counts nothing.
            party_name = party.split(" ", 1)[0] if party.startswith("PostgreSQL ") else party
            self.used[party_name] = self.used.get(party_name, 0) + seconds - self.start.get(party, 0)
        self.busy_share = (busy - self.machine_start[0]) / max(total - self.machine_start[1], 1e-9)

    def report(self, n: int) -> str:
        parts = [f"{party} {seconds * 1000 / n:.1f}" for party, seconds in self.used.items() if seconds > 0]
        return f"CPU ms per check: {', '.join(parts)}; machine busy {self.busy_share:.0%}"


# --- the two runs ------------------------------------------------------------------


def create_sources(urls):
    from sources.models import Source
    from sources.normalize import normalize_url

    sources = [Source(url=normalize_url(url), submitted_url=url) for url in urls]
    return Source.objects.bulk_create(sources, batch_size=1000)


def time_checks(sources, timeout: float, enqueue: str, on_poll=None) -> float:
    """Ask for a check of every source and wait until all are finished (the
    checks of these requests); seconds taken. ``on_poll(finished)`` is told
    how many are finished at each poll."""
    from django.db import transaction
    from django.utils import timezone

    from sources.models import SourceCheck
    from sources.services import request_check, request_checks

    ids = [source.pk for source in sources]
    asked_at = timezone.now()
    started = time.perf_counter()
    if enqueue == "together":
        with transaction.atomic():
            request_checks(ids)
    else:
        for source in sources:
            with transaction.atomic():
                request_check(source)
    # The run's sources were created together, so their ids form a range: a
    # poll listing 5,000 ids would cost this process as much CPU as a worker.
    if max(ids) - min(ids) + 1 != len(ids):
        raise SystemExit("The run's sources do not have consecutive ids; run the benchmark alone.")
    this_run = SourceCheck.objects.filter(
        source_id__gte=min(ids), source_id__lte=max(ids), requested_at__gte=asked_at, finished_at__isnull=False
    )
    finished = 0
    while finished < len(ids):
        if time.perf_counter() - started > timeout:
            raise SystemExit(f"Only {finished} of {len(ids)} checks finished in {timeout} s.")
        time.sleep(0.2)
        finished = this_run.count()
        if on_poll is not None:
            on_poll(finished)
    return time.perf_counter() - started


# --- the worker's memory ----------------------------------------------------------------


def worker_rss_bytes(worker_pid) -> int:
    """Resident memory of the worker's process group: its main process and its pool's."""
    total = 0
    for pid, _name in _processes():
        fields = _stat(pid)
        if fields is not None and int(fields[2]) == worker_pid:
            total += int(fields[21]) * os.sysconf("SC_PAGE_SIZE")  # proc(5): rss, field 24
    return total


def main_memory(args, sources, worker):
    """Check every source, sampling the worker's memory each second; prints
    the samples at each tenth of the run and how far memory moved after the
    first fifth (the warm-up: libraries loaded, caches filled)."""
    samples = []  # (seconds, checks finished, RSS)
    started = time.perf_counter()

    def sample(finished):
        if not samples or time.perf_counter() - started - samples[-1][0] >= 1.0:
            samples.append((time.perf_counter() - started, finished, worker_rss_bytes(worker.pid)))

    try:
        seconds = time_checks(sources, args.timeout, args.enqueue, on_poll=sample)
    finally:
        stop_group(worker, timeout=30)
    print(f"memory pool={args.pool} concurrency={args.concurrency} n={args.n}: {seconds:.1f} s")
    shown = set()
    for elapsed, finished, rss in samples:
        tenth = finished * 10 // args.n
        if tenth not in shown:
            shown.add(tenth)
            print(f"{elapsed:7.1f} s {finished:7d} checks  worker RSS {rss / 2**20:7.1f} MiB")
    warm = [rss for _, finished, rss in samples if finished >= args.n // 5]
    if warm:
        low, high = min(warm), max(warm)
        print(
            f"after warm-up ({len(warm)} samples from check {args.n // 5}): "
            f"{low / 2**20:.1f} to {high / 2**20:.1f} MiB, {(high - low) / low:.1%} apart (target: within 10%)"
        )


async def _bare_fetches(urls, concurrency: int) -> float:
    import httpx

    limit = asyncio.Semaphore(concurrency)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async with httpx.AsyncClient(limits=limits, trust_env=False) as client:

        async def get(url):
            async with limit:
                response = await client.get(url)
                response.raise_for_status()

        started = time.perf_counter()
        await asyncio.gather(*(get(url) for url in urls))
        return time.perf_counter() - started


# --- re-checks ------------------------------------------------------------------


SOURCES_TABLES = ["sources_source", "sources_sourcecheck", "sources_storedtext"]


def database_bytes() -> int:
    """Bytes the sources app's tables take (rows, indexes, TOAST)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT sum(pg_total_relation_size(t::regclass)) FROM unnest(%s::text[]) AS t", [SOURCES_TABLES])
        return int(cursor.fetchone()[0])


def vacuum() -> None:
    """What autovacuum does in time: the space of rows the last run replaced
    (each check rewrites its source's row and its own) is free for the next,
    so that a run's growth is what re-checks add for good."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM " + ", ".join(SOURCES_TABLES))


def archive_bytes(media_root: str) -> int:
    return sum(path.stat().st_size for path in (Path(media_root) / "warc").rglob("*") if path.is_file())


def run_linkinator(index_url: str) -> tuple[float, int]:
    """linkinator 8.1 over the index page's links, ``--concurrency 100``;
    (seconds, links checked). Installed into a temporary folder; undici is
    held at 7.10.0, since undici 8 (linkinator 8.1's) needs a newer Node than 20."""
    folder = Path(tempfile.mkdtemp(prefix="bench-linkinator-"))
    package = {"private": True, "dependencies": {"linkinator": "8.1.0"}, "overrides": {"undici": "7.10.0"}}
    (folder / "package.json").write_text(json.dumps(package))
    subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent"], cwd=folder, check=True)
    command = [str(folder / "node_modules" / ".bin" / "linkinator"), index_url, "--concurrency", "100"]
    started = time.perf_counter()
    done = subprocess.run([*command, "--format", "json"], capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    try:
        links = json.loads(done.stdout)["links"]
    except (ValueError, KeyError):
        raise SystemExit(f"linkinator failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}") from None
    broken = [link for link in links if link["state"] != "OK"]
    if broken:
        raise SystemExit(f"linkinator found {len(broken)} broken links, e.g. {broken[0]}")
    shutil.rmtree(folder, ignore_errors=True)
    return seconds, len(links)


def recheck_runs(args, sources, worker, server, media_root) -> list[tuple[str, float, int, int, str]]:
    """The four runs over the same pages; for each (name, seconds, database bytes, archive bytes, CPU report)."""
    from django.db.models import Count

    from sources.models import SourceCheck

    honour, changed = SERVER_STATE["honour_conditional"], SERVER_STATE["changed"]
    runs = [
        ("first checks", 0, 0),
        ("unchanged, no 304", 0, 0),
        ("unchanged, 304", 1, 0),
        ("5% changed", 1, 1),
    ]
    figures = []
    for name, honour_conditional, changed_pages in runs:
        honour.value, changed.value = honour_conditional, changed_pages
        vacuum()
        database, archive = database_bytes(), archive_bytes(media_root)
        with CpuUse(worker.pid, server.pid) as cpu:
            seconds = time_checks(sources, args.timeout, args.enqueue)
        figures.append(
            (name, seconds, database_bytes() - database, archive_bytes(media_root) - archive, cpu.report(args.n))
        )
    ids = [source.pk for source in sources]
    outcomes = SourceCheck.objects.filter(source_id__in=ids).values_list("outcome").annotate(Count("pk"))
    print("outcomes of the runs' checks:", ", ".join(f"{outcome} {count}" for outcome, count in outcomes))
    latest = SourceCheck.objects.filter(source_id__in=ids).order_by("source_id", "-requested_at")
    found = latest.filter(content_changed=True).values_list("source_id", flat=True)
    expected = {source.pk for source in sources if int(source.url.rsplit("-", 1)[-1]) % 20 == 0}
    print(f"changed pages found: {len(expected & set(found))} of {len(expected)}; others found changed: "
          f"{len(set(found) - expected)}")  # fmt: skip
    return figures


def main_recheck(args, server, port, media_root, run_id, sources, worker):
    try:
        figures = recheck_runs(args, sources, worker, server, media_root)
    finally:
        stop_group(worker, timeout=30)
    linkinator_seconds, links = run_linkinator(f"http://127.0.0.1:{port}/{run_id}/index-{args.n}.html")
    server.terminate()
    linkinator_rate = links / linkinator_seconds
    print(f"recheck pool={args.pool} concurrency={args.concurrency} n={args.n} (machine shared: see 'machine busy')")
    print("database bytes: growth of the sources tables over a run, after VACUUM before it")
    print(
        f"linkinator 8.1.0 --concurrency 100: {linkinator_seconds:.2f} s for {links} URLs, {linkinator_rate:.0f} URLs/s"
    )
    for name, seconds, database, archive, cpu in figures:
        rate = args.n / seconds
        print(
            f"{name:>18}: {seconds:6.2f} s, {rate:5.0f} checks/s, {rate / linkinator_rate:.2f}x linkinator; "
            f"per check {database / args.n:7.0f} B database, {archive / args.n:7.0f} B archive"
        )
        print(f"{'':>20}{cpu}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=5000, help="how many sources to check")
    parser.add_argument(
        "--enqueue",
        choices=["together", "each"],
        default="together",
        help="together: one request_checks call, as the daily re-check asks (batches of SOURCE_CHECK_BATCH_SIZE "
        "to a message); each: one request_check and transaction per source, as saved claims ask",
    )
    parser.add_argument("--pool", default="prefork", help="Celery pool: prefork or threads")
    parser.add_argument("--concurrency", type=int, default=3, help="worker processes (celery -c)")
    parser.add_argument("--conn-max-age", type=int, default=600, help="DATABASE_CONN_MAX_AGE of the worker")
    parser.add_argument("--bare-concurrency", type=int, default=50)
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--mode", choices=["first", "recheck", "memory"], default="first")
    args = parser.parse_args()
    server, port = start_server()
    # A SIGTERM (``timeout``, say) unwinds normally, so the worker is stopped too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    media_root = tempfile.mkdtemp(prefix="bench-media-")
    queue = f"bench-{uuid.uuid4().hex[:12]}"
    setup_django(os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL), media_root, queue)

    run_id = uuid.uuid4().hex[:8]
    urls = [f"http://127.0.0.1:{port}/{run_id}/article-{i}" for i in range(args.n)]
    sources = create_sources(urls)
    log_path = Path(media_root) / "worker.log"
    worker = start_worker(queue, args.pool, args.concurrency, log_path, args.conn_max_age)
    if args.mode == "recheck":
        main_recheck(args, server, port, media_root, run_id, sources, worker)
        return
    if args.mode == "memory":
        main_memory(args, sources, worker)
        server.terminate()
        return
    try:
        with CpuUse(worker.pid, server.pid) as checks_cpu:
            check_seconds = time_checks(sources, args.timeout, args.enqueue)
    finally:
        stop_group(worker, timeout=30)
    with CpuUse(None, server.pid) as bare_cpu:
        bare_seconds = asyncio.run(_bare_fetches(urls, args.bare_concurrency))
    server.terminate()

    checks_rate, bare_rate = args.n / check_seconds, args.n / bare_seconds
    print(f"enqueue={args.enqueue} pool={args.pool} concurrency={args.concurrency} n={args.n}")
    print(f"checks end to end: {check_seconds:.2f} s, {checks_rate:.0f} checks/s")
    print(f"  {checks_cpu.report(args.n)}")
    print(f"bare httpx loop:   {bare_seconds:.2f} s, {bare_rate:.0f} fetches/s")
    print(f"  {bare_cpu.report(args.n).replace('per check', 'per fetch')}")
    print(f"ratio: {checks_rate / bare_rate:.2f}")
    print(f"worker log: {log_path}")


if __name__ == "__main__":
    main()
