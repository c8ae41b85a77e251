"""Load test: simulated reviewers on the production web server while a worker
checks the sources they submit.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker_bench
    DEMO_DATA_ALLOWED=true .venv/bin/python manage.py generate_data --claims 100000
    .venv/bin/python -m bench.load [--reviewers 50] [--seconds 300] [--think 1 3]

Starts, on loopback only: the web server as in production (``bin/serve web``:
gunicorn with ``tracker/gunicorn.conf.py``, DEBUG off), a Celery worker
(``bin/serve worker``: every queue, as ``bin/run`` has it) and a page server
standing for the news sites (``NewsSite``), which the submitted sources
point at. The worker alone may fetch loopback addresses
(``FETCH_ALLOWED_NETWORKS``), and its per-host limits are lifted, since the
one page server stands for many outlets. No beat: the checks come from the
submissions, and beat's re-checks of the generated sources would measure
something else (``bench/queues.py`` does).

Each simulated reviewer has a session of their own and, like locust's
``between(1, 3)``, pauses 1 to 3 s (uniformly) before each request: the time
to glance at a page and click. That is quick for a reviewer who reads (a
claim takes longer than 3 s to read), so the load is on the heavy side;
without the pause, 50 clients on 2 cores would be 50 requests always queued,
which is a throughput test, not 50 reviewers. Before sending a form, the
pause is the time to fill it (``FILLING``: 20 to 40 s for a claim, 10 to 20
s for evidence). Each step is chosen by weight
(``STEPS``): the claim list with filters, searches in English and Chinese,
claim pages, event pages, the API's list, submitting a claim through the
form (CSRF and all; when similar claims are shown, confirming it is another
claim: ``confirm``) and adding evidence from a claim's page.

Prints per page the requests, p50/p95/p99 in milliseconds, the errors (a
page not answered 200, a form not answered with its redirect, or no answer)
and the rate, the 300 ms target for the list, search and claim pages, and
the worker's checks of the submitted sources: how many were done during the
run and within a grace period after it, their outcomes and their waits
from request to result; and the load average and where the CPU went (the
web server, the worker, this database's PostgreSQL backends, this script,
the whole machine), since other work on the machine shows in every figure.
A script, not a test: the figures depend on the
machine and on what else runs on it.
"""

import argparse
import multiprocessing
import os
import random
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

from bench.processes import stop_group

BASE_DIR = Path(__file__).resolve().parent.parent
# Production mode on plain loopback HTTP: no TLS redirect, no HSTS; the API's
# per-user throttle lifted (one token stands for every reviewer here).
SERVER_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(48),
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "false",
    "SECURE_HSTS_SECONDS": "0",
    "API_THROTTLE_USER": "1000000/min",
    "LOG_LEVEL": "WARNING",
}
# The worker fetches the page server on loopback, which it refuses otherwise.
WORKER_ENV = {
    "FETCH_ALLOWED_NETWORKS": "127.0.0.1/32",
    "FETCH_HOST_CONCURRENCY": "100000",
    "FETCH_HOST_RATE": "100000000/second",
}
SEARCHES = ["shelling", "soldiers killed", "market", "civilians injured", "炮击", "士兵死亡", "平民", "市场遇袭"]
# How often a reviewer takes each step, as locust's task weights.
STEPS = {"list": 30, "search": 25, "claim": 20, "event": 10, "api_list": 5, "submit": 5, "evidence": 5}
# Seconds a reviewer takes to fill a form before sending it: a claim's text,
# figure, source and quote; evidence's address, stance and quote. The think
# time alone would have each of the 50 file a claim every minute or so.
FILLING = {"submit": (20.0, 40.0), "evidence": (10.0, 20.0)}
# Pages with the p95 target.
TARGET_MS = 300
TARGET_PAGES = ("list", "search", "claim")
# A sentence of every page the page server serves, quoted by the submitted sources.
QUOTE = "At least 27 people were killed and 200 injured when shells hit the central market"
CHECK_GRACE_SECONDS = 60
_CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_CSRF_COOKIE = re.compile(r"csrftoken=([^;]+)")
_ARTICLE = re.compile(r"/(claim|evidence)-\d+$")
# 350 made-up words, of which each article draws its own text.
_WORDS = [first + vowel + last for first in "bdfgklmnprstvz" for vowel in "aeiou" for last in "lnrst"]


def list_filters(rng, event_ids) -> dict:
    """The filters of a reviewer's look at the claim list: a status and a
    language, and now and then an event or another order."""
    filters = {"status": rng.choice(["unverified", "in_review"]), "language": rng.choice(["en", "zh"])}
    if rng.random() < 0.3:
        filters["event"] = rng.choice(event_ids)
    if rng.random() < 0.3:
        filters["ordering"] = rng.choice(["-stated", "date", "-created"])
    return filters


def article(path: str) -> bytes:
    """An article of its own at ``path`` (about 3 KB of words drawn from a
    few hundred, from a seed of the path), holding ``QUOTE``. Articles that
    differ only in their address would be grouped as copies of one another,
    and every check would regroup and regrade all of them."""
    rng = random.Random(path)
    paragraphs = [" ".join(rng.choices(_WORDS, k=60)).capitalize() + "." for _ in range(12)]
    paragraphs.insert(rng.randrange(12), QUOTE + ", officials said.")
    body = "".join(f"<p>{paragraph}</p>\n" for paragraph in paragraphs)
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Report {path}</title></head>'
        f"<body><main><article><h1>Report {path}</h1>\n{body}</article></main></body></html>"
    ).encode()


class NewsSite(BaseHTTPRequestHandler):
    """The news sites the submitted sources point at: an article at each
    address the reviewers submit, and 404 at any other, as the soft-404 probe
    (``sources/soft_404.py``) expects of a real site."""

    def do_GET(self):
        found = _ARTICLE.search(self.path)
        body = article(self.path) if found else b"<!doctype html><title>Not found</title><p>Not found</p>"
        self.send_response(200 if found else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        pass


def start_news_site():
    """The news sites' server, in a process of its own; returns (process, port)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), NewsSite)
    process = multiprocessing.get_context("fork").Process(target=server.serve_forever, daemon=True)
    process.start()
    server.server_close()
    return process, server.server_address[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def prepare(reviewers: int):
    """A session for each reviewer (members of the reviewer role), an API
    token, and the claims, events and statuses to visit."""
    os.environ.update(SERVER_ENV)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import Group, User
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection

    from accounts.roles import Role
    from accounts.tokens import replace
    from claims.models import Claim, Event

    group = Group.objects.get(name=Role.REVIEWER)
    sessions = []
    for n in range(reviewers):
        user, _created = User.objects.get_or_create(username=f"load-reviewer-{n}")
        user.groups.add(group)
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        sessions.append(session.session_key)
    # The generator's one account was all the planner knew of: with 50 more
    # it joined every searched claim to each of them (0.85 s, not 15 ms, for
    # a Chinese search), as no site with 50 reviewers would.
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {User._meta.db_table}")
    token = replace(user, "load test")
    claims = list(Claim.objects.order_by("?").values_list("pk", flat=True)[:2000])
    events = list(Event.objects.order_by("?").values_list("pk", "slug")[:200])
    if not claims or not events:
        sys.exit("No claims or events: run manage.py generate_data first.")
    return {"sessions": sessions, "token": token, "claims": claims, "events": events}


class Reviewer:
    """One simulated reviewer: a session of their own, a step chosen by
    weight, a pause before each request."""

    def __init__(self, http, session_key, data, sources_url, think, rng, record):
        self.http, self.data, self.sources_url, self.think, self.rng = http, data, sources_url, think, rng
        self.cookies = {"sessionid": session_key}
        self.record = record
        self.submitted = 0

    def run(self, deadline):
        steps, weights = list(STEPS), list(STEPS.values())
        while time.monotonic() < deadline:
            getattr(self, f"step_{self.rng.choices(steps, weights)[0]}")()

    def request(self, kind, method, path, answered=lambda answer: answer.status_code == 200, **kwargs):
        """One request after the reviewer's pause (``FILLING`` a form, else
        ``think``), timed and recorded under ``kind``: an error unless
        ``answered`` says the answer is the one expected."""
        time.sleep(self.rng.uniform(*FILLING.get(kind, self.think)))
        headers = {"Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items())}
        started = time.perf_counter()
        try:
            answer = self.http.request(method, path, headers={**headers, **kwargs.pop("headers", {})}, **kwargs)
            error = "" if answered(answer) else f"HTTP {answer.status_code}"
        except httpx.HTTPError as failure:
            answer, error = None, type(failure).__name__
        elapsed = (time.perf_counter() - started) * 1000
        if answer is not None:
            # The CSRF cookie is Secure in production, so it is kept here rather than by httpx over plain HTTP.
            for cookie in answer.headers.get_list("set-cookie"):
                if found := _CSRF_COOKIE.match(cookie):
                    self.cookies["csrftoken"] = found.group(1)
        self.record(kind, elapsed, error)
        return answer

    def step_list(self):
        self.request(
            "list", "GET", "/claims/", params=list_filters(self.rng, [pk for pk, _slug in self.data["events"]])
        )

    def step_search(self):
        self.request("search", "GET", "/claims/", params={"q": self.rng.choice(SEARCHES)})

    def step_claim(self):
        self.request("claim", "GET", f"/claims/{self.rng.choice(self.data['claims'])}/")

    def step_event(self):
        self.request("event", "GET", f"/events/{self.rng.choice(self.data['events'])[1]}/")

    def step_api_list(self):
        api = {"Authorization": f"Token {self.data['token']}", "Accept": "application/json"}
        self.request("api_list", "GET", "/api/claims/", params={"status": "unverified"}, headers=api)

    def step_submit(self):
        """The submission form, filled and sent; confirmed as another claim when similar ones are shown."""
        form = self.request("claim_form", "GET", "/claims/new/")
        if form is None or not (token := _CSRF_FIELD.search(form.text)):
            return
        self.submitted += 1
        killed = self.rng.randint(2, 90)
        data = {
            "csrfmiddlewaretoken": token.group(1),
            "claim-text": f"Shelling of the central market killed at least {killed} civilians, officials said "
            f"({self.sources_url.split('/', 3)[-1]} report {self.submitted}).",
            "claim-language": "en",
            "claim-kind": "casualty_figure",
            "claim-event": self.rng.choice(self.data["events"])[0],
            "claim-stated_on": "2026-11-30",
            "figures-TOTAL_FORMS": "1",
            "figures-INITIAL_FORMS": "0",
            "figures-0-category": "killed",
            "figures-0-population": "civilians",
            "figures-0-qualifier": "at_least",
            "figures-0-low": str(killed),
            "presences-TOTAL_FORMS": "0",
            "presences-INITIAL_FORMS": "0",
            "sources-TOTAL_FORMS": "1",
            "sources-INITIAL_FORMS": "0",
            "sources-0-url": f"{self.sources_url}/claim-{self.submitted}",
            "sources-0-role": "origin",
            "sources-0-quoted_passage": QUOTE,
        }
        answer = self.request("submit", "POST", "/claims/new/", answered=lambda a: _saved(a) or _similar(a), data=data)
        if answer is not None and _similar(answer):
            self.request(
                "confirm", "POST", "/claims/new/", answered=_saved, data={**data, "confirm_not_duplicate": "1"}
            )

    def step_evidence(self):
        """A claim's page, then evidence added with its form."""
        pk = self.rng.choice(self.data["claims"])
        page = self.request("claim", "GET", f"/claims/{pk}/")
        if page is None or not (token := _CSRF_FIELD.search(page.text)):
            return
        self.submitted += 1
        data = {
            "csrfmiddlewaretoken": token.group(1),
            "stance": self.rng.choice(["supports", "refutes", "context"]),
            "source_url": f"{self.sources_url}/evidence-{self.submitted}",
            "quoted_passage": QUOTE,
            "note": "Seen by the load test.",
        }
        self.request("evidence", "POST", f"/claims/{pk}/evidence/", answered=_saved, data=data)


def _saved(answer) -> bool:
    """A form's answer when it was saved: the redirect to what it saved."""
    return answer.status_code == 302


def _similar(answer) -> bool:
    """The submission form's answer when similar claims are found: shown, with the box to confirm."""
    return answer.status_code == 400 and "confirm_not_duplicate" in answer.text


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def browse(url, data, reviewers, seconds, think, sources_url, seed):
    """``reviewers`` reviewers browsing for ``seconds``; returns {kind: [(ms, error or "")]}."""
    results = defaultdict(list)
    lock = threading.Lock()

    def record(kind, ms, error):
        with lock:
            results[kind].append((ms, error))

    deadline = time.monotonic() + seconds

    def reviewer(n):
        with httpx.Client(base_url=url, timeout=30) as http:
            session = data["sessions"][n]
            Reviewer(http, session, data, f"{sources_url}/r{n}", think, random.Random(seed + n), record).run(deadline)

    threads = [threading.Thread(target=reviewer, args=(n,)) for n in range(reviewers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def print_pages(results, reviewers, seconds, think):
    total = sum(len(r) for r in results.values())
    errors = Counter(error for r in results.values() for _ms, error in r if error)
    print(
        f"{reviewers} reviewers, {think[0]:g}-{think[1]:g} s between requests, {seconds} s: "
        f"{total} requests, {total / seconds:.1f}/s, {errors.total()} errors "
        f"({', '.join(f'{error} {n}' for error, n in errors.most_common()) or 'none'})"
    )
    print(f"  {'page':<11}{'requests':>9}{'per s':>7}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'errors':>8}")
    for kind in sorted(results):
        times = [ms for ms, _error in results[kind]]
        failed = sum(1 for _ms, error in results[kind] if error)
        print(
            f"  {kind:<11}{len(times):>9}{len(times) / seconds:>7.1f}{percentile(times, 50):>8.0f}"
            f"{percentile(times, 95):>8.0f}{percentile(times, 99):>8.0f}{failed:>8}"
        )
    for kind in TARGET_PAGES:
        p95 = percentile([ms for ms, _error in results[kind]], 95) if results[kind] else float("nan")
        print(f"  target p95 < {TARGET_MS} ms, {kind}: {p95:.0f} ms, {'held' if p95 < TARGET_MS else 'NOT held'}")
    return errors.total()


def print_checks(sources_prefix, started, ended):
    """The worker's checks of the sources the reviewers submitted, waiting
    up to ``CHECK_GRACE_SECONDS`` for those still under way."""
    from sources.models import Source, SourceCheck

    sources = Source.objects.filter(url__startswith=sources_prefix)
    deadline = time.monotonic() + CHECK_GRACE_SECONDS
    while sources.filter(check_requested_at__isnull=False).exclude(checks__finished_at__isnull=False).exists():
        if time.monotonic() > deadline:
            break
        time.sleep(1)
    checks = list(
        SourceCheck.objects.filter(source__url__startswith=sources_prefix, finished_at__isnull=False).values_list(
            "source_id", "outcome", "requested_at", "finished_at"
        )
    )
    asked = sources.count()
    unchecked = asked - len({source for source, *_rest in checks})
    waits = [(finished - requested).total_seconds() for _source, _outcome, requested, finished in checks]
    during = sum(1 for *_rest, finished in checks if finished <= ended)
    outcomes = ", ".join(f"{outcome} {n}" for outcome, n in Counter(row[1] for row in checks).most_common())
    print(
        f"worker: {asked} sources submitted, {during} checks done during the run "
        f"({during / (ended - started).total_seconds():.2f}/s), {len(checks)} by {CHECK_GRACE_SECONDS} s after it; "
        f"{unchecked} sources not checked"
    )
    print(f"  outcomes: {outcomes or 'none'}")
    if waits:
        print(
            f"  wait from request to result: p50 {percentile(waits, 50):.2f} s, p95 {percentile(waits, 95):.2f} s, "
            f"largest {max(waits):.2f} s"
        )
    return unchecked


class CpuUse:
    """CPU seconds used by the run's parties, read from /proc: the web
    server's and the worker's process groups, the news site, the PostgreSQL
    processes serving this database (its backends and their parallel
    workers, sampled every second since they come and go), this script; and
    by the whole machine, which others share."""

    def __init__(self, groups: dict[str, int], database: str):
        self.groups, self.database = groups, database
        self.baseline = self._database_ticks()  # what its processes had used before the run
        self.seen: dict[int, int] = {}
        self.started = self._groups(), self._machine(), sum(os.times()[:2])
        self.running = True
        self.sampler = threading.Thread(target=self._sample, daemon=True)
        self.sampler.start()

    def _database_ticks(self) -> dict[int, int]:
        title = f" {self.database} "
        leaders, workers = {}, {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                command = (entry / "cmdline").read_bytes().decode(errors="replace")
            except OSError:
                continue
            if command.startswith("postgres:") and title in command:
                leaders[int(entry.name)] = _ticks(int(entry.name))
            elif command.startswith("postgres:") and (found := re.search(r"parallel worker for PID (\d+)", command)):
                workers[int(entry.name)] = (int(found.group(1)), _ticks(int(entry.name)))
        return {**leaders, **{pid: ticks for pid, (leader, ticks) in workers.items() if leader in leaders}}

    def _sample(self):
        while self.running:
            for pid, ticks in self._database_ticks().items():
                self.seen[pid] = max(self.seen.get(pid, 0), ticks)
            time.sleep(1)

    def _groups(self) -> dict[str, int]:
        groups = dict.fromkeys(self.groups, 0)
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit() and (fields := _stat(int(entry.name))):
                for party, group in self.groups.items():
                    if group in (int(entry.name), int(fields[2])):  # the process, or one of its group
                        groups[party] += int(fields[11]) + int(fields[12])
        return groups

    @staticmethod
    def _machine() -> tuple[int, int]:
        cpu = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        return sum(cpu) - cpu[3] - cpu[4], sum(cpu)

    def report(self, seconds: float) -> str:
        self.running = False
        self.sampler.join()
        (groups, (busy, total), mine), tick = self.started, os.sysconf("SC_CLK_TCK")
        used = {party: (ticks - groups[party]) / tick for party, ticks in self._groups().items()}
        used["PostgreSQL"] = sum(ticks - self.baseline.get(pid, 0) for pid, ticks in self.seen.items()) / tick
        used["this script"] = sum(os.times()[:2]) - mine
        now_busy, now_total = self._machine()
        machine = (now_busy - busy) / max(1, now_total - total) * os.cpu_count()
        parts = ", ".join(f"{party} {value / seconds:.2f}" for party, value in used.items())
        return f"CPU (cores busy on average): {parts}; the whole machine {machine:.2f} of {os.cpu_count()}"


def _stat(pid: int):
    """The fields of /proc/PID/stat after the command name, or None once it has gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return None


def _ticks(pid: int) -> int:
    fields = _stat(pid)
    return int(fields[11]) + int(fields[12]) if fields else 0


def start(process, env, log):
    """``bin/serve PROCESS`` in a session of its own, its output to ``log``."""
    with log.open("ab") as output:
        return subprocess.Popen(
            [str(BASE_DIR / "bin" / "serve"), process],
            cwd=BASE_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def wait_until_live(url, server, log):
    deadline = time.monotonic() + 120
    while True:
        try:
            if httpx.get(f"{url}/health/live", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline or server.poll() is not None:
            sys.exit(f"The web server did not start; its log: {log}")
        time.sleep(0.5)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reviewers", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=300)
    parser.add_argument("--think", type=float, nargs=2, default=(1.0, 3.0), metavar=("LEAST", "MOST"))
    parser.add_argument("--web-concurrency", type=int, default=None, help="gunicorn processes (default: its own)")
    args = parser.parse_args()

    page_server, page_port = start_news_site()  # forks: before any thread or connection of ours
    data = prepare(args.reviewers)
    logs = Path(tempfile.mkdtemp(prefix="load-"))
    port = free_port()
    env = {**os.environ, **SERVER_ENV, "PORT": str(port), "STATIC_ROOT": str(logs / "static")}
    env["MEDIA_ROOT"] = str(logs / "media")  # the checks' archives
    if args.web_concurrency:
        env["WEB_CONCURRENCY"] = str(args.web_concurrency)
    url = f"http://127.0.0.1:{port}"
    run = uuid.uuid4().hex[:8]
    sources_prefix = f"http://127.0.0.1:{page_port}/{run}"
    server = start("web", env, logs / "web.log")
    worker = start("worker", {**env, **WORKER_ENV}, logs / "worker.log")
    try:
        wait_until_live(url, server, logs / "web.log")
        warm_up = f"http://127.0.0.1:{page_port}/warm-up-{run}"
        browse(url, data, min(args.reviewers, 4), 10, (0, 0), warm_up, 0)  # not counted
        from django.db import connection
        from django.utils import timezone

        cpu = CpuUse(
            {"web": server.pid, "worker": worker.pid, "news site": page_server.pid}, connection.settings_dict["NAME"]
        )
        load_before, started = os.getloadavg()[0], timezone.now()
        results = browse(url, data, args.reviewers, args.seconds, args.think, sources_prefix, 1000)
        ended = timezone.now()
        print(f"load average {load_before:.2f} at the start, {os.getloadavg()[0]:.2f} at the end")
        print(cpu.report(args.seconds))
        errors = print_pages(results, args.reviewers, args.seconds, args.think)
        unchecked = print_checks(sources_prefix, started, ended)
    finally:
        stop_group(server, timeout=60)
        stop_group(worker, timeout=60)
        page_server.terminate()
    print(f"logs: {logs}")
    sys.exit(1 if errors or unchecked else 0)


if __name__ == "__main__":
    main()
