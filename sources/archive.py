"""Archiving a fetched page as WARC records, so that what a source said at
the time of a check can be shown even after the page changes or goes away.

The archive is written for replay tools (pywb, ReplayWeb.page, ``warcio``),
so it holds what went over the wire, not what we made of it: the response's
body still in its Content-Encoding under the headers the server sent, and the
request that asked for it, linked to the response (``WARC-Concurrent-To``),
both naming the address fetched (``WARC-IP-Address``) and carrying their
digests (``WARC-Block-Digest``, ``WARC-Payload-Digest``).
"""

import hashlib
import io
from http import HTTPStatus

from django.core.files.base import ContentFile
from django.utils import timezone
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from .fetch import FetchResult
from .models import SourceCheck


def warc_bytes(url: str, result: FetchResult) -> bytes:
    """A gzipped WARC file of two records: the ``response`` with ``result``'s
    status line, headers and body as fetched from ``url``, and the ``request``
    that fetched it."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    version = result.http_version or "HTTP/1.1"
    warc_headers = {"WARC-Date": timezone.now().strftime("%Y-%m-%dT%H:%M:%SZ")}
    if result.ip_address:
        warc_headers["WARC-IP-Address"] = result.ip_address
    reason = _reason_phrase(result.http_status)
    payload = _as_sent(result)
    response = writer.create_warc_record(
        url,
        "response",
        payload=io.BytesIO(payload),
        length=len(payload),
        http_headers=StatusAndHeaders(f"{result.http_status} {reason}".strip(), result.headers, protocol=version),
        warc_headers_dict=warc_headers,
    )
    request = writer.create_warc_record(
        url,
        "request",
        http_headers=StatusAndHeaders(
            f"GET {result.request_target or '/'} {version}", result.request_headers, is_http_request=True
        ),
        warc_headers_dict=warc_headers,
    )
    writer.write_request_response_pair(request, response)
    return buffer.getvalue()


def _as_sent(result: FetchResult) -> bytes:
    """The response body framed as its headers say. httpx undoes chunked
    framing as it reads, so a chunked body is framed again, as one chunk:
    the boundaries differ from the wire's, the bytes they carry do not."""
    chunked = any(
        name.lower() == "transfer-encoding" and value.strip().lower() == "chunked" for name, value in result.headers
    )
    if not chunked:
        return result.wire_body
    body = result.wire_body
    return (b"%x\r\n%s\r\n" % (len(body), body) if body else b"") + b"0\r\n\r\n"


def archive(source_id: int, url: str, result: FetchResult) -> tuple[str, str]:
    """Store ``result``, fetched from ``url``, as a WARC file in the media
    storage where check archives live; returns its name there and its SHA-256."""
    data = warc_bytes(result.final_url or url, result)
    digest = hashlib.sha256(data).hexdigest()
    field = SourceCheck._meta.get_field("warc")
    name = field.generate_filename(None, f"source-{source_id}-{digest[:16]}.warc.gz")
    return field.storage.save(name, ContentFile(data)), digest


def _reason_phrase(status: int | None) -> str:
    try:
        return HTTPStatus(status).phrase
    except (ValueError, TypeError):
        return ""
