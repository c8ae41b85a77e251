"""Downloads of evidence attachments (``tracker.downloads`` serves them)."""

from tracker.downloads import file_download


def evidence_download(evidence):
    return file_download(
        evidence.file,
        evidence.file.name.rsplit("/", 1)[-1] if evidence.file else "",
        evidence.file_content_type or "application/octet-stream",
    )
