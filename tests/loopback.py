"""A real HTTP server on 127.0.0.1 (or another address of this machine) for tests that fetch pages.

Tests set what each path answers with ``server.route(...)`` (and may change it
between requests, e.g. to make a page change), then fetch ``server.url(path)``.
The server counts hits per path and keeps the headers of every request, so a
test can also prove that a refused fetch never reached it.
"""

import ipaddress
import threading
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import pairwise
from urllib.parse import urlsplit

import pytest


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: dict = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering
    chunked: bool = False  # send the body in chunks without Content-Length
    chunk_delay: float = 0.0  # seconds between chunks: a server that drips its page
    # Validators: sent with the page, and a request carrying a matching
    # If-None-Match (or, without one, If-Modified-Since) is answered 304.
    etag: str = ""
    last_modified: str = ""

    def not_modified_for(self, headers) -> bool:
        if self.etag and headers.get("If-None-Match") is not None:
            return headers["If-None-Match"] == self.etag
        return bool(self.last_modified) and headers.get("If-Modified-Since") == self.last_modified


_NOT_FOUND = Route(status=404, body=b"no such route", headers={"Content-Type": "text/plain"})


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        with self.server.loopback.in_flight() as answered:
            self._answer(answered)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        with self.server.loopback.in_flight() as answered:
            self.server.loopback.posted.append((urlsplit(self.path).path, self.headers, body))
            self._answer(answered)

    def _answer(self, answered):
        path = urlsplit(self.path).path
        self.server.loopback.record_client(path, self.client_address)
        route = self.server.loopback.record_hit(path, self.headers)
        if route.delay:
            time.sleep(route.delay)
        validators = {"ETag": route.etag, "Last-Modified": route.last_modified}
        validators = {name: value for name, value in validators.items() if value}
        if route.status == 200 and route.not_modified_for(self.headers):
            self.send_response(304)
            for name, value in validators.items():
                self.send_header(name, value)
            answered()
            self.end_headers()
            return
        self.send_response(route.status)
        headers = {"Content-Type": "text/html; charset=utf-8", **validators, **route.headers}
        for name, value in headers.items():
            self.send_header(name, value)
        if route.chunked:
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            size = 10 if route.chunk_delay else 500
            for start in range(0, len(route.body), size):
                piece = route.body[start : start + size]
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                self.wfile.flush()
                time.sleep(route.chunk_delay)
            answered()
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.send_header("Content-Length", str(len(route.body)))
            self.end_headers()
            answered()
            self.wfile.write(route.body)

    def log_message(self, format, *args):
        """Keep test output clean."""


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        """A client that gave up (a timeout test) is expected; don't print a traceback."""


class LoopbackServer:
    """Listens on 127.0.0.1, or on ``host`` (the bridge of tests/hosts.py, for hosts in namespaces)."""

    def __init__(self, host="127.0.0.1"):
        self._routes = {}
        self._lock = threading.Lock()
        self.hits = Counter()
        self.requests = []  # (path, headers) of every request, in order
        self.posted = []  # (path, headers, body) of every POST, in order
        self.clients = []  # (path, client's address) of every request, in order
        self.connections = set()  # (address, port) of each client connection that sent a request
        self.answering = 0  # requests being answered now
        self.most_answered_at_once = 0
        self.host = host
        self._httpd = _QuietServer((host, 0), _Handler)
        self._httpd.loopback = self
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def start(self):
        self._thread.start()

    def stop(self):
        self._httpd.shutdown()
        self._httpd.server_close()

    def url(self, path="/"):
        return f"http://{self.host}:{self.port}{path}"

    def route(self, path, status=200, body=b"", headers=None, delay=0.0, chunked=False, chunk_delay=0.0, **validators):
        """What ``path`` answers; ``etag=`` and ``last_modified=`` make it answer conditional requests."""
        with self._lock:
            self._routes[path] = Route(status, body, dict(headers or {}), delay, chunked, chunk_delay, **validators)

    def redirect(self, path, to, status=302):
        """Make ``path`` redirect to ``to`` (a path on this server or a full URL)."""
        self.route(path, status=status, headers={"Location": to})

    def redirect_chain(self, paths, final_body=b"<p>end</p>", status=301):
        """Each path redirects to the next; the last one serves ``final_body``."""
        for here, there in pairwise(paths):
            self.redirect(here, there, status=status)
        self.route(paths[-1], body=final_body)

    @contextmanager
    def in_flight(self):
        """Counts the requests being answered at once while one is: from its
        arrival until its last bytes go to the socket (``answered()``, which
        the block is given), or the block ends. Not until the handler's
        thread comes back from that write: under load it may come back after
        the client has read the whole answer and sent its next request,
        which would be counted as a request too many at once."""
        with self._lock:
            self.answering += 1
            self.most_answered_at_once = max(self.most_answered_at_once, self.answering)
        still_answering = [True]

        def answered():
            with self._lock:
                if still_answering[0]:
                    still_answering[0] = False
                    self.answering -= 1

        try:
            yield answered
        finally:
            answered()

    def record_client(self, path, client):
        """``client``: the (address, port) of the connection the request came over."""
        with self._lock:
            self.clients.append((path, client[0]))
            self.connections.add(client)

    def record_hit(self, path, headers):
        with self._lock:
            self.hits[path] += 1
            self.requests.append((path, headers))
            return self._routes.get(path, _NOT_FOUND)

    @property
    def total_hits(self):
        return sum(self.hits.values())


@pytest.fixture
def loopback_server():
    server = LoopbackServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def allow_loopback(settings):
    """Let fetches reach the loopback server, which the SSRF rules refuse by default."""
    settings.FETCH_ALLOWED_NETWORKS = (ipaddress.ip_network("127.0.0.0/8"),)
