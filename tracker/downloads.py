"""Serving stored files (evidence attachments, check archives) to people the
permission checks let through. Nothing stored is public media: the pages and
the API of every app hand files out through here, after asking whether the
caller may have them."""

import io

from django.http import FileResponse, Http404


def file_download(stored_file, filename: str, content_type: str) -> FileResponse:
    """A download of ``stored_file`` (a ``FieldFile``); 404 when nothing is stored."""
    if not stored_file:
        raise Http404("No file is stored here.")
    return FileResponse(stored_file.open("rb"), as_attachment=True, filename=filename, content_type=content_type)


def content_download(content: bytes, filename: str, content_type: str) -> FileResponse:
    """A download of ``content``, a part of a stored file read already (a
    check's records in the archive file its batch shares)."""
    return FileResponse(io.BytesIO(content), as_attachment=True, filename=filename, content_type=content_type)
