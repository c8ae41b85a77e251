"""Archiving a fetched page as a WARC record, so that what a source said at
the time of a check can be shown even after the page changes or goes away."""

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
    """One gzipped WARC ``response`` record holding ``result``'s HTTP
    status line, headers and body, as fetched from ``url``."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    reason = _reason_phrase(result.http_status)
    http_headers = StatusAndHeaders(
        f"{result.http_status} {reason}".strip(), result.headers, protocol=result.http_version or "HTTP/1.1"
    )
    record = writer.create_warc_record(
        url,
        "response",
        payload=io.BytesIO(result.body),
        http_headers=http_headers,
        warc_headers_dict={"WARC-Date": timezone.now().strftime("%Y-%m-%dT%H:%M:%SZ")},
    )
    writer.write_record(record)
    return buffer.getvalue()


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
