"""Stored files in an object store that several machines share: with
``STORAGE_S3_*`` set, a check's archive and an uploaded evidence file go to
the bucket (over HTTP, to moto's S3 server on loopback) and nothing to the
local media folder; they are handed out through the permission-checked views
only, byte for byte, and a WARC read back from the bucket replays the page
and is what the next check's revisit record points at."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from warcio.archiveiterator import ArchiveIterator

from claims.choices import Stance
from sources.checking import run_checks
from sources.choices import CheckOutcome
from sources.services import get_or_create_source, request_check
from tests.object_store import bucket_objects
from tests.warc_check import archives_failing_check

pytestmark = pytest.mark.django_db

PAGE = "<html><head><title>纳卡</title></head><body><p>至少27人死亡，200人受伤。</p></body></html>".encode()


def check_now(source):
    request_check(source)
    source.refresh_from_db()
    [check] = run_checks([(source.pk, source.check_requested_at)])
    return check


def downloaded(client, url) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)


def records(data):
    return [
        (record.rec_type, record.rec_headers, record.content_stream().read())
        for record in ArchiveIterator(io.BytesIO(data))
    ]


def test_a_check_archives_to_the_bucket_served_to_members_only_and_replays(
    object_store, loopback_server, allow_loopback, client, reviewer, outsider, settings, tmp_path
):
    store, bucket = object_store
    loopback_server.route("/page", body=PAGE)
    source, _ = get_or_create_source(loopback_server.url("/page"))

    check = check_now(source)

    assert check.outcome == CheckOutcome.OK
    in_bucket = bucket_objects(store, bucket)
    assert list(in_bucket) == [check.warc.name]
    assert not settings.MEDIA_ROOT.exists()
    url = reverse("sources:check_archive", args=[check.pk])
    assert client.get(url).status_code == 302  # anonymous: to the log-in
    client.force_login(outsider)
    assert client.get(url).status_code == 403
    client.force_login(reviewer)
    served = downloaded(client, url)
    assert served == in_bucket[check.warc.name]
    [response] = [body for kind, _, body in records(served) if kind == "response"]
    assert response == PAGE
    (tmp_path / "from-the-bucket.warc.gz").write_bytes(served)
    assert archives_failing_check([tmp_path / "from-the-bucket.warc.gz"]) == ""


def test_an_unchanged_page_is_archived_as_a_revisit_of_the_archive_read_from_the_bucket(
    object_store, loopback_server, allow_loopback
):
    store, bucket = object_store
    loopback_server.route("/same", body=PAGE)
    source, _ = get_or_create_source(loopback_server.url("/same"))
    first = check_now(source)

    second = check_now(source)

    in_bucket = bucket_objects(store, bucket)
    assert set(in_bucket) == {first.warc.name, second.warc.name}
    [(_, original, _)] = [record for record in records(in_bucket[first.warc.name]) if record[0] == "response"]
    [(_, revisit, _)] = [record for record in records(in_bucket[second.warc.name]) if record[0] == "revisit"]
    assert revisit.get_header("WARC-Refers-To") == original.get_header("WARC-Record-ID")


def test_an_evidence_upload_goes_to_the_bucket_and_is_served_to_members_only(
    object_store, client, claim_factory, reviewer, outsider, settings
):
    store, bucket = object_store
    claim = claim_factory()
    pdf = b"%PDF-1.4 hospital list"
    client.force_login(reviewer)

    response = client.post(
        reverse("claims:evidence_add", args=[claim.pk]),
        {"stance": Stance.REFUTES, "file": SimpleUploadedFile("list.pdf", pdf)},
    )

    assert response.status_code == 302
    [evidence] = claim.evidence.all()
    assert bucket_objects(store, bucket) == {evidence.file.name: pdf}
    assert not settings.MEDIA_ROOT.exists()
    url = reverse("claims:evidence_file", args=[claim.pk, evidence.pk])
    assert downloaded(client, url) == pdf
    client.force_login(outsider)
    assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302


def test_two_evidence_files_of_one_name_keep_both_in_the_bucket(object_store, claim_factory, reviewer):
    from claims.services import add_evidence

    store, bucket = object_store
    claim = claim_factory()
    first = add_evidence(claim, reviewer, stance=Stance.SUPPORTS, file=SimpleUploadedFile("a.txt", b"first"))
    second = add_evidence(claim, reviewer, stance=Stance.SUPPORTS, file=SimpleUploadedFile("a.txt", b"second"))

    assert first.file.name != second.file.name
    assert bucket_objects(store, bucket) == {first.file.name: b"first", second.file.name: b"second"}
