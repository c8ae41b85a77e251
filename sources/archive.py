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


def archive(check, result: FetchResult) -> None:
    """Store ``result`` as a WARC file on ``check`` (not yet saved)."""
    data = warc_bytes(result.final_url or check.source.url, result)
    check.warc_sha256 = hashlib.sha256(data).hexdigest()
    check.warc.save(f"source-{check.source_id}-{check.warc_sha256[:16]}.warc.gz", ContentFile(data), save=False)


def _reason_phrase(status: int | None) -> str:
    try:
        return HTTPStatus(status).phrase
    except (ValueError, TypeError):
        return ""
