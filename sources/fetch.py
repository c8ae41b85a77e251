"""The one place the app reaches the outside world: a guarded HTTP GET of a user-supplied URL.

Every URL fetched here was typed in by a user, so the fetcher must not become
a way into our own network (SSRF). The rules:

* only http and https;
* the host is resolved here, and the fetch is refused if *any* address it
  resolves to is not public (loopback, private, link-local such as the cloud
  metadata address 169.254.169.254, multicast, reserved, unspecified), unless
  it lies in ``settings.FETCH_ALLOWED_NETWORKS`` (parsed at start-up); IPv6 forms that carry an
  IPv4 address are judged by that IPv4 address;
* the connection goes to the very address that was checked (the URL's host is
  swapped for the IP literal, the Host header and TLS SNI keep the real name),
  so a DNS answer that changes between check and connect cannot slip through;
* redirects are followed by hand, and every hop is checked again;
* cookies a response sets are sent on the later hops of the same fetch
  (``_Cookies``: a site may set one and redirect to the page that looks for
  it), never on another fetch: each check sees a page as a first visitor does;
* a connection is kept open after a fetch (HTTP keep-alive, for
  ``KEEP_ALIVE_SECONDS``) only for a later fetch that checked the same
  address for the same host name, scheme and port: each such set has a
  client of its own (``_clients``), so a connection made to one address
  with one TLS name serves no other; an answer whose body is not kept (a
  304, an error page) is read to its end when short (``_drain``), or its
  connection could not be kept;
* time and size are capped: per-phase timeouts, a wall-clock deadline over
  all hops and the body, and a byte cap enforced while the body streams in,
  on the bytes that come over the wire and again on what they decode to (a
  few kilobytes of gzip can inflate to gigabytes).

A re-check passes the validators of the page's last good response
(``Validators``: its ETag and Last-Modified, and the address that sent them);
the request to that address asks with If-None-Match / If-Modified-Since, and
a ``304 Not Modified`` to it ends the fetch as ``NOT_MODIFIED``, with no body.

Each hop is kept as it went over the wire for the archive (an ``Exchange``:
the request as sent, the address it went to, the response's status line,
headers and body still in its Content-Encoding); the final body is kept
decoded too when it was compressed, for reading and comparing.

``fetch`` reports every network or remote failure as an outcome; it does not raise.
"""

import email.utils
import functools
import http.cookiejar
import ipaddress
import os
import socket
import ssl
import threading
import time
from collections import OrderedDict
from contextlib import closing, contextmanager
from dataclasses import dataclass, field

import httpx
from django.conf import settings

from . import politeness
from .choices import CheckOutcome
from .content_coding import ACCEPT_ENCODING, CannotDecode, CappedDecoder, TooLarge

# Pages whose text a fact-checker can read and we can compare between checks.
TEXT_MEDIA_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain", "application/xml", "text/xml"})

# NAT64 gateways translate these IPv6 addresses to the IPv4 address in their last 32 bits (RFC 6052).
_NAT64_PREFIX = ipaddress.IPv6Network("64:ff9b::/96")


@dataclass(frozen=True)
class Validators:
    """What a server said identifies the version of the page at ``url``."""

    url: str = ""
    etag: str = ""
    last_modified: str = ""

    def request_headers(self, url) -> dict:
        """The conditional headers of a request of ``url``: none unless it is the address they came from."""
        if str(url) != self.url:
            return {}
        headers = {"If-None-Match": self.etag, "If-Modified-Since": self.last_modified}
        return {name: value for name, value in headers.items() if value}


@dataclass
class FetchResult:
    outcome: str  # a CheckOutcome value
    final_url: str = ""  # URL of the last response ("" if none)
    redirect_chain: list = field(default_factory=list)  # [{"url": ..., "status": 301}, ...] each hop that redirected
    http_status: int | None = None
    content_type: str = ""  # media type and parameters as sent
    body: bytes = b""  # the full body, decoded, on success only, else b""
    headers: list = field(default_factory=list)  # [(name, value)] of the final response
    http_version: str = ""
    latency_ms: int = 0  # wall time of the whole fetch, all hops
    error: str = ""
    exchanges: list = field(default_factory=list)  # [Exchange] every hop, the last one final; on success only
    retry_after: float | None = None  # seconds the server (or our politeness) asks us to wait; deferred only

    @property
    def validators(self) -> Validators:
        """The final response's validators, for asking again next time."""
        headers = {name.lower(): value for name, value in self.headers}
        return Validators(self.final_url, headers.get("etag", "")[:256], headers.get("last-modified", "")[:64])


@dataclass
class Exchange:
    """One hop of a fetch as it went over the wire, which is what the archive holds."""

    url: str  # as asked for, with its host name (the connection went to ``ip_address``)
    http_status: int
    reason: str = ""  # the response's reason phrase, as sent
    http_version: str = "HTTP/1.1"
    headers: list = field(default_factory=list)  # [(name, value)] of the response, as sent
    wire_body: bytes = b""  # still in its Content-Encoding; chunked framing undone
    ip_address: str = ""
    request_target: str = "/"  # path and query, as sent
    request_headers: list = field(default_factory=list)  # [(name, value)], as sent


@dataclass(frozen=True)
class _Limits:
    connect_timeout: float
    read_timeout: float
    total_timeout: float
    max_bytes: int
    max_redirects: int
    user_agent: str
    allowed_networks: tuple

    @classmethod
    def from_settings(cls):
        """The limits as ``tracker/settings.py`` read and checked them at start-up."""
        return cls(
            connect_timeout=settings.FETCH_CONNECT_TIMEOUT,
            read_timeout=settings.FETCH_READ_TIMEOUT,
            total_timeout=settings.FETCH_TOTAL_TIMEOUT,
            max_bytes=settings.FETCH_MAX_BYTES,
            max_redirects=settings.FETCH_MAX_REDIRECTS,
            user_agent=settings.FETCH_USER_AGENT,
            allowed_networks=tuple(settings.FETCH_ALLOWED_NETWORKS),
        )


# How long a fetch deferred because its host was busy waits before it is tried again.
BUSY_HOST_RETRY_SECONDS = 60
# The longest wait a server's Retry-After is taken at its word for.
MAX_RETRY_AFTER_SECONDS = 24 * 3600


class _Stop(Exception):
    """Ends a fetch early with the outcome that describes why."""

    def __init__(self, outcome, error, retry_after=None):
        super().__init__(error)
        self.outcome = outcome
        self.error = error
        self.retry_after = retry_after


def is_fetchable_address(address, allowed_networks=()) -> bool:
    """Whether a fetch may connect to ``address`` (an IP string or ipaddress object).

    IPv6 addresses that stand for an IPv4 one (IPv4-mapped, 6to4, NAT64) are
    judged as that IPv4 address, so ``::ffff:127.0.0.1`` counts as loopback.
    """
    ip = ipaddress.ip_address(address) if isinstance(address, str) else address
    ip = _embedded_ipv4(ip) or ip
    if any(ip in network for network in allowed_networks):
        return True
    not_public = (
        ip.is_loopback or ip.is_private or ip.is_link_local or ip.is_multicast or ip.is_reserved or ip.is_unspecified
    )
    # is_global alone would let multicast through; the flags alone would miss shared space (100.64/10).
    return ip.is_global and not not_public


def _embedded_ipv4(ip):
    if ip.version != 6:
        return None
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in _NAT64_PREFIX:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def fetch(url: str, validators: Validators | None = None) -> FetchResult:
    """GET ``url`` under the rules in the module docstring, conditionally
    when ``validators`` are given; never raises for network or remote problems."""
    limits = _Limits.from_settings()
    started = time.monotonic()
    result = FetchResult(outcome="")
    try:
        _follow(url, limits, result, validators or Validators(), deadline=started + limits.total_timeout)
    except _Stop as stop:
        result.outcome, result.error, result.body, result.exchanges = stop.outcome, stop.error, b"", []
        result.retry_after = stop.retry_after
    result.latency_ms = round((time.monotonic() - started) * 1000)
    return result


@dataclass(frozen=True)
class PostResult:
    """How a POST went: ``ok`` for a 2xx answer; else the status, if any, and what went wrong."""

    ok: bool
    http_status: int | None = None
    error: str = ""


def post(url: str, body: bytes, headers: dict) -> PostResult:
    """POST ``body`` to ``url`` (a webhook, whose address a user typed in)
    under the same rules as ``fetch``: http(s) only, a public address checked
    and connected to, the same timeouts. No redirect is followed: a webhook
    that moved is registered again. The answer's body is not read. Never
    raises for network or remote problems."""
    limits = _Limits.from_settings()
    deadline = time.monotonic() + limits.total_timeout
    try:
        target = _parse_url(url)
        with (
            httpx.Client(follow_redirects=False, trust_env=False, verify=tls_context()) as client,
            _transport_errors(),
        ):
            address = _checked_address(target, limits.allowed_networks)
            headers = {"User-Agent": limits.user_agent, **headers}
            request = _pinned_request(
                client, target, address, _hop_timeout(limits, deadline), headers, method="POST", content=body
            )
            with closing(client.send(request, stream=True)) as response:
                status = response.status_code
    except _Stop as stop:
        return PostResult(ok=False, error=stop.error)
    if 200 <= status < 300:
        return PostResult(ok=True, http_status=status)
    return PostResult(ok=False, http_status=status, error=f"HTTP {status}")


def _follow(url, limits, result, validators, *, deadline):
    """Fetch ``url`` hop by hop, filling in ``result``; raise _Stop when the fetch ends badly."""
    current = _parse_url(url)
    headers = {
        "User-Agent": limits.user_agent,
        "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.1",
        "Accept-Encoding": ACCEPT_ENCODING,  # only codings read under the size cap
    }
    cookies = _Cookies()
    with _transport_errors():
        while current is not None:
            address = _checked_address(current, limits.allowed_networks)
            conditional = validators.request_headers(current)
            with _clients.using(current, address) as client, _politely(current.host, deadline):
                timeout = _hop_timeout(limits, deadline)
                hop_headers = {**headers, **cookies.header_for(current), **conditional}
                request = _pinned_request(client, current, address, timeout, hop_headers)
                with closing(client.send(request, stream=True)) as response:
                    cookies.keep(current, response)
                    current = _hop(result, current, address, response, limits, deadline, bool(conditional))


class _Cookies:
    """The cookies of one fetch, matched against each hop's own address
    (not the IP address it was sent to, which other sites may share)."""

    def __init__(self):
        self._jar = httpx.Cookies()

    def header_for(self, url) -> dict:
        """The Cookie header of a request of ``url``, if a hop before set one for it."""
        if not self._jar:
            return {}
        request = httpx.Request("GET", url)
        self._jar.set_cookie_header(request)
        return {"Cookie": request.headers["cookie"]} if "cookie" in request.headers else {}

    def keep(self, url, response) -> None:
        """Keep the cookies ``response`` (to a request of ``url``) sets."""
        if "set-cookie" in response.headers:
            as_addressed = httpx.Response(
                response.status_code, headers=response.headers, request=httpx.Request("GET", url)
            )
            self._jar.extract_cookies(as_addressed)


def _hop(result, url, address, response, limits, deadline, asked_conditionally):
    """Record the answer to a request of ``url`` (sent to ``address``); the
    URL it redirects to, or ``None`` once it is final."""
    _record_response(result, url, response)
    exchange = _exchange(url, address, response)
    result.exchanges.append(exchange)
    if not response.has_redirect_location:  # a 304, or a 3xx without Location, is final
        _finish(result, exchange, response, limits, deadline, asked_conditionally=asked_conditionally)
        return None
    result.redirect_chain.append({"url": str(url), "status": response.status_code})
    if len(result.redirect_chain) > limits.max_redirects:
        raise _Stop(CheckOutcome.TOO_MANY_REDIRECTS, f"More than {limits.max_redirects} redirects (or a loop).")
    # Read (not dropped), so that the archive holds the redirect as it was sent.
    exchange.wire_body, _ = _read_capped(response, limits, deadline, decode=False)
    return _parse_url(response.headers["location"], base=url)


# How long a connection may wait for another fetch: shorter than the idle
# timeout of common servers (Apache's is 5 s), so that we rarely send a
# request on a connection the server is closing.
KEEP_ALIVE_SECONDS = 2.0
# How many clients (each with its connections) a process keeps; the least
# recently used is closed once no fetch is using it.
CLIENTS_KEPT = 32


class _Clients:
    """The clients that fetches share, one per scheme, host name, checked
    address and port, so that fetches of one site in a row (a batch's, or
    the next batch's) reuse its connections rather than open one each.
    Each client sends every request to its one address (``_pinned_request``),
    under its one TLS name, so a kept connection goes where a new one would.
    Safe to use from a batch's fetch threads at once."""

    def __init__(self):
        self._lock = threading.Lock()
        self._kept = OrderedDict()  # key: _KeptClient, the most recently used last

    @contextmanager
    def using(self, url, address):
        """The client for requests of ``url`` sent to ``address``, kept from
        being closed while the block runs."""
        key = (url.scheme, url.raw_host, address, url.port)
        with self._lock:
            kept = self._kept.get(key)
            if kept is None:
                kept = self._kept[key] = _KeptClient()
            self._kept.move_to_end(key)
            kept.users += 1
            evicted = [self._kept.popitem(last=False)[1] for _ in range(len(self._kept) - CLIENTS_KEPT)]
            for old in evicted:
                old.evicted = True
        try:
            for old in evicted:
                old.close_if_unused(self._lock)
            yield kept.client
        finally:
            with self._lock:
                kept.users -= 1
            if kept.evicted:
                kept.close_if_unused(self._lock)

    def forget(self):
        """Drop the clients without closing them: a forked process's copies
        of its parent's connections are the parent's to close."""
        self._lock = threading.Lock()
        self._kept = OrderedDict()


class _KeptClient:
    """A kept client, how many fetches are using it, and whether it is to be closed once none is."""

    def __init__(self):
        # trust_env=False: a proxy from the environment would connect by name and undo the address pinning.
        # No cap on connections: politeness caps the requests to a host, and
        # so how many of its connections can be used at once, and kept.
        self.client = httpx.Client(
            follow_redirects=False,
            trust_env=False,
            # The client outlives its fetches; their cookies are each fetch's own (``_Cookies``).
            cookies=http.cookiejar.CookieJar(http.cookiejar.DefaultCookiePolicy(allowed_domains=[])),
            verify=tls_context(),
            limits=httpx.Limits(
                max_connections=None,
                max_keepalive_connections=min(settings.FETCH_HOST_CONCURRENCY, 20),
                keepalive_expiry=KEEP_ALIVE_SECONDS,
            ),
        )
        self.users = 0
        self.evicted = False

    def close_if_unused(self, lock):
        with lock:
            unused = self.users == 0 and not self.client.is_closed
        if unused:
            self.client.close()


_clients = _Clients()
os.register_at_fork(after_in_child=_clients.forget)


@contextmanager
def _politely(host, deadline):
    """Within the host's limits (``politeness.py``); a host too busy to take
    the request before the deadline defers the check rather than fail it."""
    try:
        with politeness.visiting(host, deadline):
            yield
    except politeness.HostBusy as busy:
        raise _Stop(CheckOutcome.DEFERRED, str(busy), retry_after=BUSY_HOST_RETRY_SECONDS) from None


@functools.cache
def tls_context() -> ssl.SSLContext:
    """httpx's default TLS settings (certifi's roots, hostname checks), built
    once per process: loading the CA bundle for every fetch cost more than
    the whole fetch of a nearby page. A context is safe to share between clients."""
    return httpx.create_ssl_context(trust_env=False)


def _parse_url(url, base=None):
    try:
        parsed = base.join(url) if base is not None else httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise _Stop(CheckOutcome.UNSAFE, f"The address {url!r} cannot be understood: {exc}") from None
    if parsed.scheme not in ("http", "https"):
        raise _Stop(CheckOutcome.UNSAFE, f"Only http and https addresses are fetched, not {url!r}.")
    if not parsed.host:
        raise _Stop(CheckOutcome.UNSAFE, f"The address {url!r} names no host.")
    return parsed


def _checked_address(url, allowed_networks):
    """Resolve the URL's host and return the address to connect to, if every address it has is allowed."""
    host = url.raw_host.decode("ascii")
    addresses = _resolve(host, url.port or (443 if url.scheme == "https" else 80))
    refused = [address for address in addresses if not is_fetchable_address(address, allowed_networks)]
    if refused:
        raise _Stop(CheckOutcome.UNSAFE, f"{url.host} is at {refused[0]}, which is not a public address.")
    return addresses[0]


def _resolve(host, port):
    try:
        return [str(ipaddress.ip_address(host))]
    except ValueError:
        pass  # a name, not an IP literal
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise _Stop(CheckOutcome.DNS_ERROR, f"{host} could not be resolved: {exc.strerror}") from None
    except UnicodeError:
        raise _Stop(CheckOutcome.DNS_ERROR, f"{host} is not a valid host name.") from None
    # The scope of a link-local IPv6 address ("fe80::1%eth0") is kept; ipaddress understands it.
    return list(dict.fromkeys(info[4][0] for info in infos))


def _hop_timeout(limits, deadline):
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise _Stop(CheckOutcome.TIMEOUT, f"The fetch took longer than {limits.total_timeout:g} s in all.")
    connect = min(limits.connect_timeout, remaining)
    read = min(limits.read_timeout, remaining)
    return httpx.Timeout(connect=connect, read=read, write=read, pool=connect)


def _pinned_request(client, url, address, timeout, extra_headers, method="GET", content=None):
    """A request of ``url`` that connects to ``address`` while presenting the real host name (Host and TLS SNI)."""
    target = url.copy_with(host=address)
    extensions = {"sni_hostname": url.raw_host.decode("ascii")} if url.scheme == "https" else {}
    headers = {"Host": url.netloc.decode("ascii"), **extra_headers}
    return client.build_request(
        method, target, headers=headers, content=content, timeout=timeout, extensions=extensions
    )


def _record_response(result, url, response):
    result.final_url = str(url)
    result.http_status = response.status_code
    result.http_version = response.http_version
    result.content_type = response.headers.get("content-type", "")
    result.headers = _as_text(response.headers)


def _exchange(url, address, response):
    return Exchange(
        url=str(url),
        http_status=response.status_code,
        reason=response.reason_phrase,
        http_version=response.http_version,
        headers=_as_text(response.headers),
        ip_address=address,
        request_target=response.request.url.raw_path.decode("ascii"),
        request_headers=_as_text(response.request.headers),
    )


def _as_text(headers):
    return [(name.decode("latin-1"), value.decode("latin-1")) for name, value in headers.raw]


def _finish(result, exchange, response, limits, deadline, *, asked_conditionally):
    """Set the outcome for a final (non-redirect) response and read its body when it is a readable page."""
    status = response.status_code
    if status == 304 and asked_conditionally:
        result.outcome = CheckOutcome.NOT_MODIFIED
        _drain(response, deadline)
        return
    if 200 <= status < 300:
        media_type = result.content_type.split(";", 1)[0].strip().lower()
        if media_type not in TEXT_MEDIA_TYPES:
            shown = result.content_type or "(none)"
            raise _Stop(CheckOutcome.UNSUPPORTED, f"The content type {shown!r} is not a page.")
        exchange.wire_body, result.body = _read_capped(response, limits, deadline)
        result.outcome = CheckOutcome.REDIRECTED if result.redirect_chain else CheckOutcome.OK
        return
    _drain(response, deadline)
    result.outcome = _outcome_for_status(status)
    result.error = f"The server answered {status} {response.reason_phrase}".rstrip() + "."
    retry_after = _retry_after(response.headers.get("retry-after", ""))
    if status in (429, 503) and retry_after is not None:
        result.outcome, result.retry_after = CheckOutcome.DEFERRED, retry_after
        result.error += f" It asked to be asked again in {retry_after:.0f} s."


# The most of an answer's body that is read though it is not kept, so that
# its connection can serve another fetch; a longer one goes with its connection.
DRAINED_AT_MOST = 64 * 1024


def _drain(response, deadline) -> None:
    """Read the rest of ``response``, whose body is not kept, if it is short
    (``DRAINED_AT_MOST``) and comes before ``deadline``: httpx closes a
    connection whose answer was not read to its end, and most re-checks end
    in a 304, which would each have opened a connection of their own."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > DRAINED_AT_MOST:
        return
    read = 0
    try:
        for chunk in response.iter_raw():
            read += len(chunk)
            if read > DRAINED_AT_MOST or time.monotonic() > deadline:
                return
    except (httpx.HTTPError, httpx.StreamError):
        return  # the connection closes with the answer; what it answered stands


def _retry_after(value: str) -> float | None:
    """Seconds to wait from a Retry-After header (delay-seconds or an HTTP date), within bounds; ``None`` if none."""
    value = value.strip()
    if value.isdigit():
        seconds = float(value)
    else:
        try:
            seconds = email.utils.parsedate_to_datetime(value).timestamp() - time.time()
        except (TypeError, ValueError, IndexError):
            return None
    return min(max(seconds, 1.0), MAX_RETRY_AFTER_SECONDS)


def _outcome_for_status(status):
    if status == 404:
        return CheckOutcome.NOT_FOUND
    if status == 410:
        return CheckOutcome.GONE
    if status >= 500:
        return CheckOutcome.SERVER_ERROR
    if status >= 400:
        return CheckOutcome.CLIENT_ERROR
    # 1xx/3xx that is not a redirect we can follow (e.g. 300 without Location, 304 to an unconditional request).
    return CheckOutcome.UNSUPPORTED


def _read_capped(response, limits, deadline, *, decode=True):
    """The body as it came over the wire and decoded (one object when it was not compressed,
    or when ``decode`` is false), each within ``limits.max_bytes``."""
    too_large = _Stop(CheckOutcome.TOO_LARGE, f"The page is larger than {limits.max_bytes} bytes.")
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limits.max_bytes:
        raise too_large
    try:
        coding = response.headers.get("content-encoding", "") if decode else ""
        decoder = CappedDecoder(coding, limits.max_bytes)
        wire, decoded, size = [], [], 0
        for chunk in response.iter_raw():
            size += len(chunk)
            if size > limits.max_bytes:
                raise too_large
            if time.monotonic() > deadline:
                raise _Stop(CheckOutcome.TIMEOUT, f"The fetch took longer than {limits.total_timeout:g} s in all.")
            wire.append(chunk)
            decoded.append(decoder.feed(chunk))
        decoded.append(decoder.finish())
    except TooLarge:
        raise _Stop(
            CheckOutcome.TOO_LARGE, f"The page is larger than {limits.max_bytes} bytes once decompressed."
        ) from None
    except CannotDecode as exc:
        raise _Stop(CheckOutcome.UNSUPPORTED, str(exc)) from None
    wire_body = b"".join(wire)
    return wire_body, wire_body if decoder.passes_through else b"".join(decoded)


@contextmanager
def _transport_errors():
    """Turn httpx's exceptions into outcomes."""
    try:
        yield
    except httpx.TimeoutException as exc:
        raise _Stop(CheckOutcome.TIMEOUT, f"Timed out: {exc or type(exc).__name__}") from None
    except httpx.RequestError as exc:
        outcome = CheckOutcome.TLS_ERROR if _caused_by_tls(exc) else CheckOutcome.CONNECTION_ERROR
        raise _Stop(outcome, str(exc) or type(exc).__name__) from None


def _caused_by_tls(exc):
    while exc is not None:
        if isinstance(exc, ssl.SSLError):
            return True
        exc = exc.__cause__ or exc.__context__
    return False
