"""Downloads of check archives (``tracker.downloads`` serves them)."""

from tracker.downloads import file_download


def archive_download(check):
    return file_download(check.warc, f"source-{check.source_id}-check-{check.pk}.warc.gz", "application/warc")
