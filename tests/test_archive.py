"""Archives replay faithfully: a check's WARC file holds the response as it
came over the wire (a gzip page stays gzip, under headers that say so), the
request that asked for it, and the headers replay tools read (the address
fetched, block and payload digests, the request and response linked), and
``warcio check`` finds nothing wrong with it.

``tests/warc_check.py`` also runs ``warcio check`` over every archive any
test wrote; these tests prove the records themselves.
"""

import gzip
import hashlib
import io
import zlib

import pytest
from warcio.archiveiterator import ArchiveIterator

from sources.archive import warc_bytes
from sources.checking import run_checks
from sources.choices import CheckOutcome
from sources.fetch import fetch
from sources.services import get_or_create_source, request_check
from tests.warc_check import archives_failing_check

PAGE = "<html><head><title>纳卡</title></head><body><p>至少27人死亡，200人受伤。</p></body></html>".encode()


def records_of(data):
    """(type, WARC headers, HTTP headers, payload as stored, payload as replayed) of each record in ``data``."""
    stored = [
        (record.rec_type, record.rec_headers, record.http_headers, record.raw_stream.read())
        for record in ArchiveIterator(io.BytesIO(data))
    ]
    replayed = [record.content_stream().read() for record in ArchiveIterator(io.BytesIO(data))]
    return [(*record, body) for record, body in zip(stored, replayed, strict=True)]


def archived(loopback_server, path, tmp_path):
    """Fetch ``path`` from the loopback server and archive it; the WARC bytes, also written to ``tmp_path``."""
    result = fetch(loopback_server.url(path))
    assert result.outcome in CheckOutcome.successes(), result.error
    data = warc_bytes(result)
    (tmp_path / "check.warc.gz").write_bytes(data)
    return result, data


def response_of(data):
    return next(record for record in records_of(data) if record[0] == "response")


def test_a_gzip_page_is_archived_as_sent_and_replays_into_the_page(loopback_server, allow_loopback, tmp_path):
    sent = gzip.compress(PAGE)
    loopback_server.route("/gz", body=sent, headers={"Content-Encoding": "gzip"})

    result, data = archived(loopback_server, "/gz", tmp_path)

    _, _, http_headers, raw, replayed = response_of(data)
    assert http_headers.get_header("Content-Encoding") == "gzip"
    assert raw == sent
    assert replayed == PAGE
    assert result.body == PAGE  # what the text is read from
    assert archives_failing_check([tmp_path / "check.warc.gz"]) == ""


def test_a_deflate_page_is_read_and_archived_as_sent(loopback_server, allow_loopback, tmp_path):
    sent = zlib.compress(PAGE)
    loopback_server.route("/deflate", body=sent, headers={"Content-Encoding": "deflate"})

    result, data = archived(loopback_server, "/deflate", tmp_path)

    assert result.body == PAGE
    assert response_of(data)[3] == sent
    assert archives_failing_check([tmp_path / "check.warc.gz"]) == ""


@pytest.mark.parametrize("encoding", ["identity", "gzip"])
def test_a_chunked_page_replays_into_the_page(loopback_server, allow_loopback, tmp_path, encoding):
    body = PAGE * 20 if encoding == "identity" else gzip.compress(PAGE * 20)
    headers = {"Content-Encoding": "gzip"} if encoding == "gzip" else {}
    loopback_server.route("/chunked", body=body, headers=headers, chunked=True)

    result, data = archived(loopback_server, "/chunked", tmp_path)

    _, _, http_headers, _, replayed = response_of(data)
    assert http_headers.get_header("Transfer-Encoding") == "chunked"
    assert replayed == PAGE * 20 == result.body
    assert archives_failing_check([tmp_path / "check.warc.gz"]) == ""


def test_the_request_is_archived_beside_the_response_and_linked_to_it(loopback_server, allow_loopback, tmp_path):
    loopback_server.route("/page", body=PAGE)

    _, data = archived(loopback_server, "/page?id=7", tmp_path)

    records = {record[0]: record for record in records_of(data)}
    assert set(records) == {"request", "response"}
    _, request_warc, request_http, _, _ = records["request"]
    _, response_warc, _, _, _ = records["response"]
    assert request_warc.get_header("WARC-Concurrent-To") == response_warc.get_header("WARC-Record-ID")
    assert request_warc.get_header("WARC-Target-URI") == loopback_server.url("/page?id=7")
    assert request_http.protocol == "GET"
    assert request_http.statusline == "/page?id=7 HTTP/1.1"
    received = loopback_server.requests[-1][1]
    for name in ("Host", "User-Agent", "Accept", "Accept-Encoding"):
        assert request_http.get_header(name) == received[name]


def test_the_warc_headers_name_the_address_fetched_and_the_digests(loopback_server, allow_loopback, tmp_path):
    loopback_server.route("/page", body=PAGE)

    _, data = archived(loopback_server, "/page", tmp_path)

    for record_type, warc_headers, *_ in records_of(data):
        assert warc_headers.get_header("WARC-IP-Address") == "127.0.0.1", record_type
        assert warc_headers.get_header("WARC-Block-Digest", "").startswith("sha1:"), record_type
    assert response_of(data)[1].get_header("WARC-Payload-Digest", "").startswith("sha1:")


def test_a_compression_bomb_is_cut_off_at_the_cap_on_the_decoded_size(loopback_server, allow_loopback, settings):
    settings.FETCH_MAX_BYTES = 100_000
    bomb = gzip.compress(b"<p>" + b"0" * 50_000_000)  # about 50 KB on the wire
    assert len(bomb) < settings.FETCH_MAX_BYTES
    loopback_server.route("/bomb", body=bomb, headers={"Content-Encoding": "gzip"})

    result = fetch(loopback_server.url("/bomb"))

    assert result.outcome == CheckOutcome.TOO_LARGE
    assert result.body == b""


def test_a_page_at_the_cap_once_decoded_is_accepted(loopback_server, allow_loopback, settings):
    settings.FETCH_MAX_BYTES = 100_000
    loopback_server.route("/gz", body=gzip.compress(b"x" * 100_000), headers={"Content-Encoding": "gzip"})

    assert fetch(loopback_server.url("/gz")).body == b"x" * 100_000


def test_an_encoding_we_cannot_undo_is_unsupported(loopback_server, allow_loopback):
    loopback_server.route("/br", body=b"\x1b\x00\x00", headers={"Content-Encoding": "br"})

    result = fetch(loopback_server.url("/br"))

    assert result.outcome == CheckOutcome.UNSUPPORTED
    assert "br" in result.error


def test_a_corrupt_gzip_page_is_not_taken_for_a_page(loopback_server, allow_loopback):
    loopback_server.route("/bad", body=b"not gzip at all", headers={"Content-Encoding": "gzip"})

    result = fetch(loopback_server.url("/bad"))

    assert result.outcome == CheckOutcome.UNSUPPORTED
    assert result.body == b""


def test_the_check_reports_a_damaged_archive(loopback_server, allow_loopback, tmp_path):
    """The session-wide ``warcio check`` notices an archive whose page does not match its digests."""
    loopback_server.route("/page", body=b"<p>Shelling reported near the bridge.</p>")
    _, data = archived(loopback_server, "/page", tmp_path)
    damaged = tmp_path / "damaged.warc.gz.tampered"  # a name the session-wide check passes over
    damaged.write_bytes(gzip.compress(gzip.decompress(data).replace(b"Shelling", b"Shellinf")))

    assert archives_failing_check([tmp_path / "check.warc.gz"]) == ""
    assert "damaged.warc.gz.tampered" in archives_failing_check([tmp_path / "check.warc.gz", damaged])


@pytest.mark.django_db
def test_a_checked_gzip_page_is_read_and_its_archive_replays(loopback_server, allow_loopback, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    loopback_server.route("/gz", body=gzip.compress(PAGE), headers={"Content-Encoding": "gzip"})
    source, _ = get_or_create_source(loopback_server.url("/gz"))
    request_check(source)
    source.refresh_from_db()

    [check] = run_checks([(source.pk, source.check_requested_at)])

    assert check.outcome == CheckOutcome.OK
    assert "至少27人死亡" in check.text
    assert check.sha256 == hashlib.sha256(PAGE).hexdigest()
    with check.warc.open("rb") as stored:
        assert response_of(stored.read())[4] == PAGE


def test_each_redirect_is_archived_so_the_url_first_asked_for_replays(loopback_server, allow_loopback, tmp_path):
    loopback_server.redirect("/old", "/moved", status=301)
    loopback_server.redirect("/moved", "/new", status=302)
    loopback_server.route("/new", body=PAGE)

    result, data = archived(loopback_server, "/old", tmp_path)

    records = records_of(data)
    responses = [
        (warc.get_header("WARC-Target-URI"), http.get_statuscode(), http.get_header("Location"), replayed)
        for kind, warc, http, _, replayed in records
        if kind == "response"
    ]
    assert responses == [
        (loopback_server.url("/old"), "301", "/moved", b""),
        (loopback_server.url("/moved"), "302", "/new", b""),
        (loopback_server.url("/new"), "200", None, PAGE),
    ]
    ids = {warc.get_header("WARC-Record-ID"): warc.get_header("WARC-Target-URI") for kind, warc, *_ in records}
    requests = [
        (warc.get_header("WARC-Target-URI"), ids[warc.get_header("WARC-Concurrent-To")])
        for kind, warc, *_ in records
        if kind == "request"
    ]
    assert requests == [(url, url) for url, *_ in responses]
    assert result.redirect_chain == [
        {"url": loopback_server.url("/old"), "status": 301},
        {"url": loopback_server.url("/moved"), "status": 302},
    ]
