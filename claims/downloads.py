"""Serving stored files (evidence attachments, check archives) to people the
permission checks let through. Nothing stored is public media: the pages and
the API both hand files out through here, after asking ``can``."""

from django.http import FileResponse, Http404


def file_download(stored_file, filename: str, content_type: str) -> FileResponse:
    """A download of ``stored_file`` (a ``FieldFile``); 404 when nothing is stored."""
    if not stored_file:
        raise Http404("No file is stored here.")
    return FileResponse(stored_file.open("rb"), as_attachment=True, filename=filename, content_type=content_type)


def evidence_download(evidence) -> FileResponse:
    return file_download(
        evidence.file,
        evidence.file.name.rsplit("/", 1)[-1] if evidence.file else "",
        evidence.file_content_type or "application/octet-stream",
    )


def archive_download(check) -> FileResponse:
    return file_download(check.warc, f"source-{check.source_id}-check-{check.pk}.warc.gz", "application/warc")
