"""Archiving a fetched page as WARC records, so that what a source said at
the time of a check can be shown even after the page changes or goes away.

The archive is written for replay tools (pywb, ReplayWeb.page, ``warcio``),
so it holds what went over the wire, not what we made of it, for every hop
(a redirect too, so that the URL first asked for replays): the response's
body still in its Content-Encoding under the headers the server sent, and the
request that asked for it, linked to the response (``WARC-Concurrent-To``),
both naming the address fetched (``WARC-IP-Address``) and carrying their
digests (``WARC-Block-Digest``, ``WARC-Payload-Digest``).
"""

import hashlib
import io

from django.core.files.base import ContentFile
from django.utils import timezone
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from .fetch import Exchange, FetchResult
from .models import SourceCheck


def warc_bytes(result: FetchResult) -> bytes:
    """A gzipped WARC file of ``result``'s hops, each a ``response`` record and
    the ``request`` record that asked for it: the redirects, then the page."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    date = timezone.now().strftime("%Y-%m-%dT%H:%M:%SZ")
    for exchange in result.exchanges:
        _write_exchange(writer, exchange, date)
    return buffer.getvalue()


def _write_exchange(writer, exchange: Exchange, date: str) -> None:
    warc_headers = {"WARC-Date": date}
    if exchange.ip_address:
        warc_headers["WARC-IP-Address"] = exchange.ip_address
    status_line = f"{exchange.http_status} {exchange.reason}".strip()
    payload = _as_sent(exchange)
    response = writer.create_warc_record(
        exchange.url,
        "response",
        payload=io.BytesIO(payload),
        length=len(payload),
        http_headers=StatusAndHeaders(status_line, exchange.headers, protocol=exchange.http_version),
        warc_headers_dict=warc_headers,
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


def archive(source_id: int, result: FetchResult) -> tuple[str, str]:
    """Store ``result`` as a WARC file in the media storage where check
    archives live; returns its name there and its SHA-256."""
    data = warc_bytes(result)
    digest = hashlib.sha256(data).hexdigest()
    field = SourceCheck._meta.get_field("warc")
    name = field.generate_filename(None, f"source-{source_id}-{digest[:16]}.warc.gz")
    return field.storage.save(name, ContentFile(data)), digest
