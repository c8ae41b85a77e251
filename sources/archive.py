"""Archiving a fetched page as WARC records, so that what a source said at
the time of a check can be shown even after the page changes or goes away.

The archive is written for replay tools (pywb, ReplayWeb.page, ``warcio``),
so it holds what went over the wire, not what we made of it, for every hop
(a redirect too, so that the URL first asked for replays): the response's
body still in its Content-Encoding under the headers the server sent, and the
request that asked for it, linked to the response (``WARC-Concurrent-To``),
both naming the address fetched (``WARC-IP-Address``) and carrying their
digests (``WARC-Block-Digest``, ``WARC-Payload-Digest``).

A page seen again unchanged is not archived again: its check's archive holds
a ``revisit`` record in place of the response (its status line and headers,
no body), which points at the response record that holds the body
(``WARC-Refers-To``, ``WARC-Refers-To-Target-URI``, ``WARC-Refers-To-Date``):
profile ``identical-payload-digest`` when the body came again with the same
digest, ``server-not-modified`` when the server answered 304. Replay tools
follow it to the original. A revisit and its request carry no block
digest, and the request no payload digest: neither has a body, and those
digests, which gzip cannot shrink, were about 150 of a re-check's 1,000
bytes. The archive files are content-addressed (``sources/blobs.py``):
named by their SHA-256, written once, whole or not at all.

A batch's revisit records go into one file (``store_records``), each check's
records a run of gzip members in it that reads as a WARC file of its own
(``SourceCheck.warc_offset`` and ``warc_length`` say where): a file and its
fsync per batch rather than per check, and a filesystem block per batch
rather than a 4 KB block for each record of under 1 KB. A page archived whole
has its file to itself.
"""

import functools
import hashlib
import io
from dataclasses import dataclass

from django.core.files.storage import default_storage
from django.utils import timezone
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from . import blobs
from .fetch import Exchange, FetchResult

ARCHIVE_FOLDER = "warc/sha256"
IDENTICAL_PAYLOAD = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
SERVER_NOT_MODIFIED = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"


@dataclass(frozen=True)
class Original:
    """The response record that holds a page's body, as a revisit names it."""

    record_id: str
    target_uri: str
    date: str
    payload_digest: str


def warc_bytes(result: FetchResult, original: Original | None = None) -> bytes:
    """A gzipped WARC file of ``result``'s hops, each a ``response`` record and
    the ``request`` record that asked for it: the redirects, then the page,
    which is a ``revisit`` of ``original`` when given."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True) if original is None else _RevisitWriter(buffer, gzip=True)
    date = timezone.now().strftime("%Y-%m-%dT%H:%M:%SZ")
    for number, exchange in enumerate(result.exchanges, 1):
        final = number == len(result.exchanges)
        _write_exchange(writer, exchange, date, original if final else None)
    return buffer.getvalue()


class _RevisitWriter(WARCWriter):
    """warcio's writer, for the records of a page seen again, without the
    digests of what holds no body (a revisit's block is its status line and
    headers, a request's its request line and headers): a re-check is mostly
    these records, and in its archive of under 1 KB each such digest is
    about 35 bytes that gzip cannot shrink. The revisit keeps its original's
    payload digest, by which it points at it; a whole page's records keep
    every digest (``warcio check`` verifies those that are there)."""

    def ensure_digest(self, record, block=True, payload=True):
        if record.rec_type in ("revisit", "request"):
            return
        super().ensure_digest(record, block, payload)


def _write_exchange(writer, exchange: Exchange, date: str, original: Original | None) -> None:
    warc_headers = {"WARC-Date": date}
    if exchange.ip_address:
        warc_headers["WARC-IP-Address"] = exchange.ip_address
    status_line = f"{exchange.http_status} {exchange.reason}".strip()
    http_headers = StatusAndHeaders(status_line, exchange.headers, protocol=exchange.http_version)
    if original is None:
        payload = _as_sent(exchange)
        response = writer.create_warc_record(
            exchange.url,
            "response",
            payload=io.BytesIO(payload),
            length=len(payload),
            http_headers=http_headers,
            warc_headers_dict=warc_headers,
        )
    else:
        profile = SERVER_NOT_MODIFIED if exchange.http_status == 304 else IDENTICAL_PAYLOAD
        revisit_headers = {
            **warc_headers,
            "WARC-Profile": profile,
            "WARC-Refers-To": original.record_id,
            "WARC-Refers-To-Target-URI": original.target_uri,
            "WARC-Refers-To-Date": original.date,
            "WARC-Payload-Digest": original.payload_digest,
        }
        response = writer.create_warc_record(
            exchange.url, "revisit", http_headers=http_headers, warc_headers_dict=revisit_headers
        )
    request_line = f"GET {exchange.request_target} {exchange.http_version}"
    request = writer.create_warc_record(
        exchange.url,
        "request",
        http_headers=StatusAndHeaders(request_line, exchange.request_headers, is_http_request=True),
        warc_headers_dict=warc_headers,
    )
    writer.write_request_response_pair(request, response)


def _as_sent(exchange: Exchange) -> bytes:
    """The response body framed as its headers say. httpx undoes chunked
    framing as it reads, so a chunked body is framed again, as one chunk:
    the boundaries differ from the wire's, the bytes they carry do not."""
    chunked = any(
        name.lower() == "transfer-encoding" and value.strip().lower() == "chunked" for name, value in exchange.headers
    )
    if not chunked:
        return exchange.wire_body
    body = exchange.wire_body
    return (b"%x\r\n%s\r\n" % (len(body), body) if body else b"") + b"0\r\n\r\n"


@dataclass(frozen=True)
class Stored:
    """Where a check's WARC records were stored: the file's name, the
    SHA-256 of the records, and where they lie in the file when it holds
    other checks' too (``None`` when the file is theirs alone)."""

    name: str
    sha256: str
    offset: int | None = None
    length: int | None = None


def archive(result: FetchResult, original: Original | None = None) -> Stored:
    """Store ``result`` as a WARC file of its own in the media storage where
    check archives live, a revisit of ``original`` when given."""
    return store_records([warc_bytes(result, original)])[0]


def store_records(checks_records: list[bytes]) -> list[Stored]:
    """Store the WARC records of one or more checks (``warc_bytes`` of each)
    in one file, in this order; where each check's records are. Gzip members
    one after another are one gzipped WARC file, so the file reads whole, and
    each check's part reads alone."""
    name, digest = blobs.store(b"".join(checks_records), ARCHIVE_FOLDER, ".warc.gz")
    if len(checks_records) == 1:
        return [Stored(name, digest)]
    stored, offset = [], 0
    for records in checks_records:
        stored.append(Stored(name, hashlib.sha256(records).hexdigest(), offset, len(records)))
        offset += len(records)
    return stored


@functools.lru_cache(maxsize=4096)
def original_response(archive_name: str, offset: int | None = None, length: int | None = None) -> Original | None:
    """The original response record behind the page in the archive
    ``archive_name`` (or in its part at ``offset``, ``length`` bytes long:
    the records of one check of a batch): its last response, or what its
    last revisit points at; ``None`` if there is none to point at. Cached:
    archives never change."""
    found = None
    try:
        with default_storage.open(archive_name, "rb") as file:
            records = file
            if offset is not None:
                file.seek(offset)
                records = io.BytesIO(file.read(length))
            for record in ArchiveIterator(records, no_record_parse=True):  # the WARC headers are enough
                headers = record.rec_headers
                if record.rec_type == "response" and headers.get_header("WARC-Payload-Digest"):
                    found = Original(
                        headers.get_header("WARC-Record-ID"),
                        headers.get_header("WARC-Target-URI"),
                        headers.get_header("WARC-Date"),
                        headers.get_header("WARC-Payload-Digest"),
                    )
                elif record.rec_type == "revisit" and headers.get_header("WARC-Refers-To"):
                    found = Original(
                        headers.get_header("WARC-Refers-To"),
                        headers.get_header("WARC-Refers-To-Target-URI"),
                        headers.get_header("WARC-Refers-To-Date"),
                        headers.get_header("WARC-Payload-Digest"),
                    )
    except (OSError, ValueError):
        return None  # gone or unreadable: the page is archived whole again
    return found


def is_revisit(archive_name: str) -> bool:
    """Whether the page in the archive ``archive_name`` is a ``revisit``
    record: it holds no body that another archive's revisit could point at
    (a file of a batch's revisits holds nothing else). ``False`` for an
    archive that cannot be read."""
    page = None
    try:
        with default_storage.open(archive_name, "rb") as file:
            for record in ArchiveIterator(file, no_record_parse=True):
                if record.rec_type != "request":
                    page = record.rec_type
    except (OSError, ValueError):
        return False
    return page == "revisit"
