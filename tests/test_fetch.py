"""The safe fetcher against a real HTTP server on loopback, and its SSRF refusals."""

import ipaddress
import socket
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from sources import fetch as fetch_module
from sources.choices import CheckOutcome
from sources.fetch import fetch, is_fetchable_address

PAGE = b"<html><body><p>Shelling reported near the bridge.</p></body></html>"


def test_fetches_an_html_page(loopback_server, allow_loopback):
    loopback_server.route("/page", body=PAGE, headers={"X-Served-By": "loopback"})

    result = fetch(loopback_server.url("/page"))

    assert result.outcome == CheckOutcome.OK
    assert result.http_status == 200
    assert result.body == PAGE
    assert result.content_type == "text/html; charset=utf-8"
    assert ("X-Served-By", "loopback") in result.headers
    assert result.final_url == loopback_server.url("/page")
    assert result.redirect_chain == []
    assert result.http_version == "HTTP/1.1"
    assert result.error == ""


def test_sends_our_user_agent_and_the_real_host(loopback_server, allow_loopback):
    loopback_server.route("/page", body=PAGE)

    fetch(loopback_server.url("/page"))

    [(_, headers)] = loopback_server.requests
    assert headers["User-Agent"] == "ClaimTracker/1.0 (+source checks for fact-checkers)"
    assert headers["Host"] == f"127.0.0.1:{loopback_server.port}"


def test_a_fetch_writes_no_log_line_of_its_own_by_default(loopback_server, allow_loopback, caplog):
    loopback_server.route("/page", body=PAGE)

    with caplog.at_level("DEBUG"):
        fetch(loopback_server.url("/page"))

    assert [record.getMessage() for record in caplog.records if record.name.startswith("httpx")] == []


def test_gbk_page_is_kept_byte_exact(loopback_server, allow_loopback):
    body = "<p>地雷</p>".encode("gbk")
    loopback_server.route("/zh", body=body, headers={"Content-Type": "text/html; charset=gbk"})

    result = fetch(loopback_server.url("/zh"))

    assert result.outcome == CheckOutcome.OK
    assert result.body == body
    assert result.content_type == "text/html; charset=gbk"


def test_content_changed_between_fetches_is_seen(loopback_server, allow_loopback):
    loopback_server.route("/live", body=b"<p>first</p>")
    first = fetch(loopback_server.url("/live"))
    loopback_server.route("/live", body=b"<p>second</p>")
    second = fetch(loopback_server.url("/live"))

    assert (first.body, second.body) == (b"<p>first</p>", b"<p>second</p>")
    assert loopback_server.hits["/live"] == 2


def test_follows_a_redirect_chain_and_records_it(loopback_server, allow_loopback):
    loopback_server.redirect("/a", "/b", status=301)
    loopback_server.redirect("/b", loopback_server.url("/c"), status=302)
    loopback_server.redirect("/c", "/final", status=308)
    loopback_server.route("/final", body=PAGE)

    result = fetch(loopback_server.url("/a"))

    assert result.outcome == CheckOutcome.REDIRECTED
    assert result.redirect_chain == [
        {"url": loopback_server.url("/a"), "status": 301},
        {"url": loopback_server.url("/b"), "status": 302},
        {"url": loopback_server.url("/c"), "status": 308},
    ]
    assert result.final_url == loopback_server.url("/final")
    assert result.body == PAGE


def test_five_redirects_are_followed_and_the_sixth_is_refused(loopback_server, allow_loopback):
    paths = [f"/hop{n}" for n in range(7)]
    loopback_server.redirect_chain(paths)

    assert fetch(loopback_server.url("/hop1")).outcome == CheckOutcome.REDIRECTED  # 5 redirects
    result = fetch(loopback_server.url("/hop0"))  # 6 redirects

    assert result.outcome == CheckOutcome.TOO_MANY_REDIRECTS
    assert len(result.redirect_chain) == 6
    assert loopback_server.hits["/hop6"] == 1  # only the first fetch got there
    assert result.body == b""


def test_redirect_loop_ends_as_too_many_redirects(loopback_server, allow_loopback):
    loopback_server.redirect("/ping", "/pong")
    loopback_server.redirect("/pong", "/ping")

    result = fetch(loopback_server.url("/ping"))

    assert result.outcome == CheckOutcome.TOO_MANY_REDIRECTS
    assert loopback_server.total_hits == 6


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        (404, CheckOutcome.NOT_FOUND),
        (410, CheckOutcome.GONE),
        (500, CheckOutcome.SERVER_ERROR),
        (503, CheckOutcome.SERVER_ERROR),
        (403, CheckOutcome.CLIENT_ERROR),
    ],
)
def test_error_statuses_have_their_outcome(loopback_server, allow_loopback, status, outcome):
    loopback_server.route("/x", status=status, body=b"<p>error page</p>")

    result = fetch(loopback_server.url("/x"))

    assert result.outcome == outcome
    assert result.http_status == status
    assert str(status) in result.error
    assert result.body == b""


def test_slow_server_times_out(loopback_server, allow_loopback, settings):
    settings.FETCH_READ_TIMEOUT = 0.5
    loopback_server.route("/slow", body=PAGE, delay=2.0)

    result = fetch(loopback_server.url("/slow"))

    assert result.outcome == CheckOutcome.TIMEOUT
    assert result.latency_ms < 1500


def test_total_deadline_covers_all_hops(loopback_server, allow_loopback, settings):
    settings.FETCH_TOTAL_TIMEOUT = 1.0
    for path, to in [("/s1", "/s2"), ("/s2", "/s3"), ("/s3", "/end")]:
        loopback_server.route(path, status=302, headers={"Location": to}, delay=0.6)
    loopback_server.route("/end", body=PAGE)

    result = fetch(loopback_server.url("/s1"))

    assert result.outcome == CheckOutcome.TIMEOUT
    assert loopback_server.hits["/end"] == 0


def test_a_server_dripping_its_page_is_cut_off_by_the_total_deadline(loopback_server, allow_loopback, settings):
    """Each drop comes well within the read timeout; only the deadline ends it."""
    settings.FETCH_READ_TIMEOUT = 1.0
    settings.FETCH_TOTAL_TIMEOUT = 1.5
    loopback_server.route("/drip", body=b"x" * 400, chunked=True, chunk_delay=0.2)  # 8 s in all

    result = fetch(loopback_server.url("/drip"))

    assert result.outcome == CheckOutcome.TIMEOUT
    assert result.latency_ms < 3000


def test_body_over_the_cap_is_cut_off_while_streaming(loopback_server, allow_loopback, settings):
    settings.FETCH_MAX_BYTES = 1000
    loopback_server.route("/big", body=b"x" * 5000, chunked=True)

    result = fetch(loopback_server.url("/big"))

    assert result.outcome == CheckOutcome.TOO_LARGE
    assert result.body == b""
    assert ("Transfer-Encoding", "chunked") in result.headers


def test_body_at_the_cap_is_accepted(loopback_server, allow_loopback, settings):
    settings.FETCH_MAX_BYTES = 1000
    loopback_server.route("/exact", body=b"x" * 1000, chunked=True)

    assert fetch(loopback_server.url("/exact")).body == b"x" * 1000


def test_declared_length_over_the_cap_is_refused(loopback_server, allow_loopback, settings):
    settings.FETCH_MAX_BYTES = 1000
    loopback_server.route("/declared", body=b"x" * 5000)

    result = fetch(loopback_server.url("/declared"))

    assert result.outcome == CheckOutcome.TOO_LARGE
    assert ("Content-Length", "5000") in result.headers


def test_non_text_content_is_unsupported(loopback_server, allow_loopback):
    loopback_server.route("/img", body=b"\x89PNG\r\n\x1a\n", headers={"Content-Type": "image/png"})

    result = fetch(loopback_server.url("/img"))

    assert result.outcome == CheckOutcome.UNSUPPORTED
    assert result.http_status == 200
    assert result.content_type == "image/png"
    assert result.body == b""


def test_tls_to_a_plain_http_server_is_a_tls_error(loopback_server, allow_loopback):
    result = fetch(f"https://127.0.0.1:{loopback_server.port}/")

    assert result.outcome == CheckOutcome.TLS_ERROR


def test_closed_port_is_a_connection_error(allow_loopback):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    result = fetch(f"http://127.0.0.1:{port}/")

    assert result.outcome == CheckOutcome.CONNECTION_ERROR
    assert result.error


# --- SSRF -----------------------------------------------------------------


def test_loopback_is_refused_by_default(loopback_server):
    loopback_server.route("/page", body=PAGE)

    result = fetch(loopback_server.url("/page"))

    assert result.outcome == CheckOutcome.UNSAFE
    assert "127.0.0.1" in result.error
    assert loopback_server.total_hits == 0


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.1/",
        "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]:{port}/",
        "http://[::ffff:127.0.0.1]:{port}/",
        "http://0.0.0.0/",
        "http://2130706433:{port}/",  # 127.0.0.1 written as one number
        "http://224.0.0.1/",
        "http://100.64.0.1/",  # carrier-grade NAT
    ],
)
def test_non_public_addresses_are_unsafe(loopback_server, url):
    result = fetch(url.format(port=loopback_server.port))

    assert result.outcome == CheckOutcome.UNSAFE
    assert result.error
    assert loopback_server.total_hits == 0


@pytest.mark.parametrize(
    "url", ["ftp://example.com/file", "file:///etc/passwd", "gopher://example.com/", "example.com"]
)
def test_other_schemes_are_unsafe(url):
    result = fetch(url)

    assert result.outcome == CheckOutcome.UNSAFE
    assert result.error


def test_redirect_to_the_metadata_address_is_refused(loopback_server, allow_loopback):
    loopback_server.redirect("/innocent", "http://169.254.169.254/latest/meta-data", status=302)

    result = fetch(loopback_server.url("/innocent"))

    assert result.outcome == CheckOutcome.UNSAFE
    assert result.redirect_chain == [{"url": loopback_server.url("/innocent"), "status": 302}]
    assert result.final_url == loopback_server.url("/innocent")
    assert "169.254.169.254" in result.error


def test_redirect_to_another_scheme_is_refused(loopback_server, allow_loopback):
    loopback_server.redirect("/to-file", "file:///etc/passwd")

    assert fetch(loopback_server.url("/to-file")).outcome == CheckOutcome.UNSAFE


def test_a_name_for_loopback_is_refused_by_default(loopback_server):
    result = fetch(f"http://localhost:{loopback_server.port}/")

    assert result.outcome == CheckOutcome.UNSAFE
    assert loopback_server.total_hits == 0


def test_a_name_that_does_not_resolve_is_a_dns_error():
    result = fetch("http://nonexistent.invalid/")

    assert result.outcome == CheckOutcome.DNS_ERROR
    assert "nonexistent.invalid" in result.error


def _fake_dns(monkeypatch, answers):
    """Make ``socket.getaddrinfo`` answer from ``answers`` as a DNS server would; returns the names asked for.

    ``answers`` maps a name to a list of answers, one per lookup (the last one
    repeats), so a test can play a server whose answer changes (DNS rebinding).
    """
    real_getaddrinfo = socket.getaddrinfo
    asked = []

    def getaddrinfo(host, port, *args, **kwargs):
        if host not in answers:
            return real_getaddrinfo(host, port, *args, **kwargs)
        asked.append(host)
        addresses = answers[host][min(len(asked), len(answers[host])) - 1]
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port)) for address in addresses]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return asked


def test_connects_to_the_checked_address_with_the_real_host_name(loopback_server, allow_loopback, monkeypatch):
    # A rebinding DNS: the checked answer is the server, any later lookup points
    # elsewhere (nothing listens on 127.0.0.2). The page arrives only if the fetch
    # connects to the address it checked instead of resolving the name again.
    asked = _fake_dns(monkeypatch, {"news.example": [["127.0.0.1"], ["127.0.0.2"]]})
    loopback_server.route("/story", body=PAGE)

    result = fetch(f"http://news.example:{loopback_server.port}/story")

    assert result.outcome == CheckOutcome.OK
    assert asked == ["news.example"]
    assert result.final_url == f"http://news.example:{loopback_server.port}/story"
    [(_, headers)] = loopback_server.requests
    assert headers["Host"] == f"news.example:{loopback_server.port}"


def test_fetches_of_one_site_in_a_row_share_a_connection(loopback_server, allow_loopback):
    loopback_server.route("/one", body=PAGE)
    loopback_server.route("/two", body=PAGE)

    results = [fetch(loopback_server.url(path)) for path in ("/one", "/two", "/one")]

    assert [result.outcome for result in results] == [CheckOutcome.OK] * 3
    assert len(loopback_server.connections) == 1


def test_an_answer_without_a_page_leaves_its_connection_for_the_next_fetch(loopback_server, allow_loopback):
    # Most re-checks end in a 304: each one opening a connection of its own cost more than the fetch.
    loopback_server.route("/story", body=PAGE, etag='"v1"')
    loopback_server.route("/gone", status=404, body=b"<p>No such story.</p>")
    first = fetch(loopback_server.url("/story"))

    results = [fetch(loopback_server.url("/story"), first.validators) for _ in range(3)]
    results += [fetch(loopback_server.url("/gone")) for _ in range(2)]

    assert [result.outcome for result in results] == [CheckOutcome.NOT_MODIFIED] * 3 + [CheckOutcome.NOT_FOUND] * 2
    assert len(loopback_server.connections) == 1


def test_a_long_error_page_is_not_read_to_keep_its_connection(loopback_server, allow_loopback):
    loopback_server.route("/gone", status=404, body=b"x" * (fetch_module.DRAINED_AT_MOST + 1))

    results = [fetch(loopback_server.url("/gone")) for _ in range(2)]

    assert [result.outcome for result in results] == [CheckOutcome.NOT_FOUND] * 2
    assert len(loopback_server.connections) == 2


def test_a_cookie_one_fetch_was_given_is_not_sent_by_the_next_fetch_of_the_site(loopback_server, allow_loopback):
    # A kept client must not make a re-check a returning visitor: a paywall
    # counting the articles read would show the next check its "subscribe" page.
    loopback_server.route("/first", body=PAGE, headers={"Set-Cookie": "articles_read=1; Path=/"})
    loopback_server.route("/second", body=PAGE)

    assert fetch(loopback_server.url("/first")).outcome == CheckOutcome.OK
    assert fetch(loopback_server.url("/second")).outcome == CheckOutcome.OK

    [(_, second_headers)] = [request for request in loopback_server.requests if request[0] == "/second"]
    assert second_headers.get("Cookie") is None


def test_a_cookie_set_by_a_redirect_is_sent_to_the_next_hop_of_the_same_fetch(loopback_server, allow_loopback):
    # Some sites set a cookie and redirect to the page that checks for it.
    loopback_server.route("/gate", status=302, headers={"Location": "/page", "Set-Cookie": "consent=yes; Path=/"})
    loopback_server.route("/page", body=PAGE)

    result = fetch(loopback_server.url("/gate"))

    assert result.outcome == CheckOutcome.REDIRECTED
    [(_, page_headers)] = [request for request in loopback_server.requests if request[0] == "/page"]
    assert page_headers.get("Cookie") == "consent=yes"


def test_a_cookie_is_not_sent_to_another_site_at_the_same_address(loopback_server, allow_loopback, monkeypatch):
    _fake_dns(monkeypatch, {"one.example": [["127.0.0.1"]], "two.example": [["127.0.0.1"]]})
    other_site = f"http://two.example:{loopback_server.port}/page"
    loopback_server.route("/gate", status=302, headers={"Location": other_site, "Set-Cookie": "consent=yes; Path=/"})
    loopback_server.route("/page", body=PAGE)

    result = fetch(f"http://one.example:{loopback_server.port}/gate")

    assert result.outcome == CheckOutcome.REDIRECTED
    [(_, page_headers)] = [request for request in loopback_server.requests if request[0] == "/page"]
    assert page_headers.get("Cookie") is None


def test_a_kept_connection_serves_only_the_name_and_address_it_was_opened_for(
    loopback_server, allow_loopback, monkeypatch
):
    # Both names are at the server's address, until the third lookup finds the second at a private address.
    _fake_dns(monkeypatch, {"one.example": [["127.0.0.1"]], "two.example": [["127.0.0.1"]] * 2 + [["10.1.2.3"]]})
    loopback_server.route("/story", body=PAGE)
    one, two = (f"http://{name}:{loopback_server.port}/story" for name in ("one.example", "two.example"))

    assert fetch(one).outcome == CheckOutcome.OK
    assert fetch(two).outcome == CheckOutcome.OK
    assert len(loopback_server.connections) == 2  # one per name, though both went to one address

    rebound = fetch(two)

    assert rebound.outcome == CheckOutcome.UNSAFE  # checked again, though a connection to its old address is open
    assert loopback_server.total_hits == 2


def test_a_client_set_aside_for_another_is_closed_only_once_its_fetch_ends(
    loopback_server, allow_loopback, monkeypatch
):
    monkeypatch.setattr(fetch_module, "CLIENTS_KEPT", 1)
    _fake_dns(monkeypatch, {"other.example": [["127.0.0.1"]]})
    loopback_server.route("/slow", body=PAGE, delay=0.5)
    loopback_server.route("/story", body=PAGE)

    with ThreadPoolExecutor(1) as pool:
        slow = pool.submit(fetch, loopback_server.url("/slow"))
        time.sleep(0.2)  # the slow fetch is waiting for its answer
        other = fetch(f"http://other.example:{loopback_server.port}/story")  # takes the one place kept

        assert other.outcome == CheckOutcome.OK
        assert slow.result().outcome == CheckOutcome.OK
        assert slow.result().body == PAGE


def test_a_name_with_any_non_public_address_is_refused(loopback_server, monkeypatch):
    _fake_dns(monkeypatch, {"mixed.example": [["93.184.216.34", "10.1.2.3"]]})

    result = fetch("http://mixed.example/")

    assert result.outcome == CheckOutcome.UNSAFE
    assert "10.1.2.3" in result.error


@pytest.mark.parametrize(
    ("address", "fetchable"),
    [
        ("93.184.216.34", True),
        ("2606:2800:220:1:248:1893:25c8:1946", True),
        ("127.0.0.1", False),
        ("::ffff:127.0.0.1", False),
        ("::ffff:10.0.0.1", False),
        ("::ffff:169.254.169.254", False),
        ("::ffff:93.184.216.34", True),
        ("2002:7f00:1::", False),  # 6to4 around 127.0.0.1
        ("64:ff9b::a00:1", False),  # NAT64 around 10.0.0.1
        ("fe80::1", False),
        ("fc00::1", False),
        ("ff02::1", False),
        ("::", False),
        ("240.0.0.1", False),
    ],
)
def test_address_judgement(address, fetchable):
    assert is_fetchable_address(address) is fetchable


def test_allowed_networks_apply_to_unwrapped_ipv4_mapped_addresses():
    allowed = [ipaddress.ip_network("127.0.0.0/8")]

    assert is_fetchable_address("::ffff:127.0.0.1", allowed) is True
    assert is_fetchable_address("::ffff:10.0.0.1", allowed) is False
    assert is_fetchable_address("::1", allowed) is False
