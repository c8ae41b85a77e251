"""The message for a file over the evidence size limit reads as a refusal:
the file's size shown is always above the limit shown."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from claims.uploads import validate_evidence_file

MB = 1024 * 1024


def _refusal(size: int) -> str:
    with pytest.raises(ValidationError) as refused:
        validate_evidence_file(SimpleUploadedFile("notes.txt", b"x" * size))
    return refused.value.messages[0]


@pytest.mark.parametrize(
    ("limit", "size", "message"),
    [
        (20 * MB, 20 * MB + 1, "The file is 20.1 MB; the limit is 20 MB."),
        (20 * MB, int(20.5 * MB), "The file is 20.5 MB; the limit is 20 MB."),
        (int(1.55 * MB), int(1.55 * MB) + 1, "The file is 1.6 MB; the limit is 1.5 MB."),
        (10, 11, "The file is 11 bytes; the limit is 10 bytes."),
        (1024, 1025, "The file is 1.1 KB; the limit is 1 KB."),
    ],
)
def test_a_file_over_the_limit_is_shown_larger_than_the_limit(settings, limit, size, message):
    settings.EVIDENCE_MAX_UPLOAD_BYTES = limit
    assert _refusal(size) == message


def test_a_file_at_the_limit_is_taken(settings):
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 10
    validate_evidence_file(SimpleUploadedFile("notes.txt", b"x" * 10))
