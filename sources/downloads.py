"""Downloads of check archives (``tracker.downloads`` serves them)."""

from tracker.downloads import content_download, file_download


def archive_download(check):
    """The check's WARC records: its own file, or its part of the file its
    batch's revisit records share, which reads as a WARC file of its own."""
    filename = f"source-{check.source_id}-check-{check.pk}.warc.gz"
    if check.warc and check.warc_offset is not None:
        return content_download(check.archive_bytes(), filename, "application/warc")
    return file_download(check.warc, filename, "application/warc")
