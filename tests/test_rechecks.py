"""Re-checks of pages already seen, against the loopback server: a re-check
asks the server whether the page changed (ETag, Last-Modified), and a page
that did not change costs neither a reading of its text nor a copy of it."""

import hashlib
import io
import multiprocessing
import os
import signal
import time

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from warcio.archiveiterator import ArchiveIterator

from claims import receivers
from claims.choices import QuoteMatch
from claims.models import Claim, ClaimSource
from sources import blobs, checking
from sources.archive import IDENTICAL_PAYLOAD, SERVER_NOT_MODIFIED
from sources.choices import CheckOutcome, SourceHealth
from sources.models import SourceCheck, StoredText
from sources.services import request_check, request_checks
from tests import test_source_checks as checks_module
from tests.test_source_checks import QUOTE, check_now, page

# The fixtures of the check pipeline's tests: a claim quoting a loopback page, media in a temporary folder.
linked_claim, _media = checks_module.linked_claim, checks_module._media

pytestmark = pytest.mark.django_db

ETAG = '"v1"'
LAST_MODIFIED = "Mon, 30 Nov 2026 08:00:00 GMT"


def conditional_headers(loopback_server, path="/article"):
    """The validators each request of ``path`` carried, in order."""
    return [
        (headers.get("If-None-Match"), headers.get("If-Modified-Since"))
        for hit, headers in loopback_server.requests
        if hit == path
    ]


def test_a_re_check_asks_with_the_validators_of_the_last_good_response(linked_claim, loopback_server, allow_loopback):
    loopback_server.route("/article", body=page(QUOTE), etag=ETAG, last_modified=LAST_MODIFIED)
    link = linked_claim().source_links.get()

    first = check_now(link.source)
    second = check_now(link.source)
    third = check_now(link.source)

    assert conditional_headers(loopback_server) == [(None, None)] + [(ETAG, LAST_MODIFIED)] * 2
    assert (first.etag, first.last_modified) == (ETAG, LAST_MODIFIED)
    assert (second.etag, second.last_modified) == (ETAG, LAST_MODIFIED)  # the 304 carries them on
    assert third.outcome == CheckOutcome.NOT_MODIFIED


def test_a_304_is_an_unchanged_page_seen_at_the_time_of_the_check(linked_claim, loopback_server, allow_loopback):
    loopback_server.route("/article", body=page(QUOTE), etag=ETAG)
    link = linked_claim().source_links.get()
    first = check_now(link.source)

    second = check_now(link.source)

    assert second.outcome == CheckOutcome.NOT_MODIFIED
    assert second.http_status == 304
    assert second.is_success
    assert not second.content_changed
    assert second.finished_at > first.finished_at
    assert second.sha256 == first.sha256
    assert second.title == first.title
    link.source.refresh_from_db()
    assert link.source.health == SourceHealth.OK
    assert link.source.latest_check_id == second.pk
    link.refresh_from_db()
    assert (link.quote_match, link.figures_match) == (QuoteMatch.FOUND, QuoteMatch.FOUND)
    assert link.matched_check_id == second.pk


def test_last_modified_alone_is_asked_with(linked_claim, loopback_server, allow_loopback):
    loopback_server.route("/article", body=page(QUOTE), last_modified=LAST_MODIFIED)
    link = linked_claim().source_links.get()
    check_now(link.source)

    second = check_now(link.source)

    assert conditional_headers(loopback_server)[-1] == (None, LAST_MODIFIED)
    assert second.outcome == CheckOutcome.NOT_MODIFIED


def test_a_page_changed_under_a_new_etag_is_read_again(linked_claim, loopback_server, allow_loopback):
    loopback_server.route("/article", body=page(QUOTE), etag=ETAG)
    link = linked_claim().source_links.get()
    check_now(link.source)
    loopback_server.route("/article", body=page("至少32人死亡"), etag='"v2"')

    second = check_now(link.source)

    assert second.outcome == CheckOutcome.OK
    assert second.content_changed
    assert second.etag == '"v2"'
    link.refresh_from_db()
    assert link.quote_match == QuoteMatch.NOT_FOUND


def test_validators_go_to_the_address_that_gave_them_not_to_a_redirect(linked_claim, loopback_server, allow_loopback):
    loopback_server.redirect("/article", "/moved", status=301)
    loopback_server.route("/moved", body=page(QUOTE), etag=ETAG)
    link = linked_claim().source_links.get()
    check_now(link.source)

    second = check_now(link.source)

    assert conditional_headers(loopback_server, "/article") == [(None, None), (None, None)]
    assert conditional_headers(loopback_server, "/moved")[-1] == (ETAG, None)
    assert second.outcome == CheckOutcome.NOT_MODIFIED
    assert second.redirect_chain == [{"url": loopback_server.url("/article"), "status": 301}]


def test_a_304_to_a_request_without_validators_is_not_a_page(linked_claim, loopback_server, allow_loopback):
    loopback_server.route("/article", status=304)
    link = linked_claim().source_links.get()

    check = check_now(link.source)

    assert check.outcome == CheckOutcome.UNSUPPORTED


# --- unchanged bodies: not read again, their text not stored again --------------


@pytest.fixture
def extractions(monkeypatch):
    """Counts the pages whose text the checks extract (the real extraction runs)."""
    calls = []
    real = checking.extract

    def counted(body, content_type):
        calls.append(body)
        return real(body, content_type)

    monkeypatch.setattr(checking, "extract", counted)
    return calls


@pytest.fixture
def matchings(monkeypatch):
    """Counts the page texts the claims search for quotes and figures (the real search runs)."""
    texts = []
    real = receivers.SearchablePage

    def counted(text):
        texts.append(text)
        return real(text)

    monkeypatch.setattr(receivers, "SearchablePage", counted)
    return texts


def test_an_unchanged_body_without_validators_is_not_read_again(
    linked_claim, loopback_server, allow_loopback, extractions
):
    loopback_server.route("/article", body=page(QUOTE))
    link = linked_claim().source_links.get()

    checks = [check_now(link.source) for _ in range(3)]

    assert len(extractions) == 1
    assert [check.outcome for check in checks] == [CheckOutcome.OK] * 3
    assert [check.content_changed for check in checks] == [False] * 3
    assert len({check.stored_text_id for check in checks}) == 1
    assert StoredText.objects.count() == 1
    assert QUOTE in SourceCheck.objects.get(pk=checks[-1].pk).text
    assert checks[-1].title == checks[0].title == "纳卡冲突"


def test_a_changed_body_is_read_and_its_text_stored(linked_claim, loopback_server, allow_loopback, extractions):
    loopback_server.route("/article", body=page(QUOTE))
    link = linked_claim().source_links.get()
    first = check_now(link.source)
    loopback_server.route("/article", body=page("至少32人死亡"))

    second = check_now(link.source)

    assert len(extractions) == 2
    assert second.content_changed
    assert second.stored_text_id != first.stored_text_id
    assert "至少32人死亡" in SourceCheck.objects.get(pk=second.pk).text
    assert QUOTE in SourceCheck.objects.get(pk=first.pk).text


def test_sources_with_the_same_text_share_it(linked_claim, loopback_server, allow_loopback):
    loopback_server.route("/one", body=page(QUOTE))
    loopback_server.route("/two", body=page(QUOTE, title="纳卡冲突"))
    one = check_now(linked_claim(path="/one").source_links.get().source)
    two = check_now(linked_claim(path="/two").source_links.get().source)

    assert one.stored_text_id == two.stored_text_id
    assert StoredText.objects.count() == 1


def test_the_matches_of_an_unchanged_page_are_carried_over(linked_claim, loopback_server, allow_loopback, matchings):
    loopback_server.route("/article", body=page(QUOTE))
    link = linked_claim().source_links.get()
    check_now(link.source)
    link.refresh_from_db()
    found = (link.quote_match, link.figures_match, link.matched_excerpt)
    matchings.clear()

    again = check_now(link.source)

    assert matchings == []
    link.refresh_from_db()
    assert (link.quote_match, link.figures_match, link.matched_excerpt) == found
    assert found[:2] == (QuoteMatch.FOUND, QuoteMatch.FOUND)
    assert link.matched_check_id == again.pk


def test_a_link_added_since_the_last_check_is_matched_on_an_unchanged_page(
    linked_claim, loopback_server, allow_loopback, matchings
):
    loopback_server.route("/article", body=page(QUOTE), etag=ETAG)
    first_link = linked_claim().source_links.get()
    check_now(first_link.source)
    ClaimSource.objects.filter(pk=first_link.pk).update(matched_check=None, quote_match=QuoteMatch.PENDING)
    matchings.clear()

    again = check_now(first_link.source)

    assert again.outcome == CheckOutcome.NOT_MODIFIED
    assert len(matchings) == 1 and QUOTE in matchings[0]
    first_link.refresh_from_db()
    assert first_link.quote_match == QuoteMatch.FOUND


def test_a_claim_edited_since_its_match_is_matched_again_on_an_unchanged_page(
    linked_claim, loopback_server, allow_loopback, matchings
):
    loopback_server.route("/article", body=page(QUOTE))
    link = linked_claim().source_links.get()
    check_now(link.source)
    Claim.objects.filter(pk=link.claim_id).update(updated_at=timezone.now())
    matchings.clear()

    check_now(link.source)

    assert len(matchings) == 1


def test_a_check_finished_elsewhere_while_a_batch_fetched_is_what_the_batch_compares_with(
    linked_claim, loopback_server, allow_loopback, monkeypatch
):
    loopback_server.route("/article", body=page(QUOTE))
    source = linked_claim().source_links.get().source
    check_now(source)
    requested_at = timezone.now()
    request_checks([source.pk], requested_at=requested_at)
    fetch_this_batch = checking._observe

    def another_worker_checks_the_changed_page_first(checks, last_good, limit):
        monkeypatch.setattr(checking, "_observe", fetch_this_batch)
        loopback_server.route("/article", body=page("至少32人死亡"))
        asked_again_at = timezone.now()
        request_checks([source.pk], requested_at=asked_again_at)
        [elsewhere] = checking.run_checks([(source.pk, asked_again_at)])
        assert elsewhere.content_changed
        fetch_this_batch(checks, last_good, limit)

    monkeypatch.setattr(checking, "_observe", another_worker_checks_the_changed_page_first)
    [check] = checking.run_checks([(source.pk, requested_at)])

    # The batch read the same changed page: unchanged since the check finished meanwhile.
    assert check.outcome == CheckOutcome.OK
    assert not SourceCheck.objects.get(pk=check.pk).content_changed


# --- the archive: a page seen again is a revisit of its original ------------------


def records_of(check):
    """The records of ``check``'s archive, as warcio reads them back, and its bytes."""
    data = SourceCheck.objects.get(pk=check.pk).archive_bytes()
    return [
        (record.rec_type, record.rec_headers, record.content_stream().read())
        for record in ArchiveIterator(io.BytesIO(data))
    ], data


def test_an_unchanged_page_is_archived_as_a_revisit_of_its_original(linked_claim, loopback_server, allow_loopback):
    body = page(QUOTE)
    loopback_server.route("/article", body=body)
    link = linked_claim().source_links.get()
    first, second, third = (check_now(link.source) for _ in range(3))

    (original, _request), _ = records_of(first)
    assert original[0] == "response" and original[2] == body
    for again in (second, third):
        records, data = records_of(again)
        assert [record[0] for record in records] == ["revisit", "request"]
        revisit = records[0][1]
        assert revisit.get_header("WARC-Profile") == IDENTICAL_PAYLOAD
        assert revisit.get_header("WARC-Refers-To") == original[1].get_header("WARC-Record-ID")
        assert revisit.get_header("WARC-Refers-To-Target-URI") == loopback_server.url("/article")
        assert revisit.get_header("WARC-Refers-To-Date") == original[1].get_header("WARC-Date")
        assert revisit.get_header("WARC-Payload-Digest") == original[1].get_header("WARC-Payload-Digest")
        assert records[0][2] == b""
        assert len(data) < 1024


def test_the_revisits_of_a_batch_share_one_file_and_each_reads_back_alone(
    linked_claim, loopback_server, allow_loopback, client, reviewer, settings
):
    paths = ["/one", "/two", "/three"]
    sources = []
    for path in paths:
        loopback_server.route(path, body=page(QUOTE, title=path))
        sources.append(linked_claim(path=path).source_links.get().source)
    firsts = [check_now(source) for source in sources]
    requested_at = timezone.now()
    request_checks([source.pk for source in sources], requested_at=requested_at)

    agains = checking.run_checks([(source.pk, requested_at) for source in sources])

    assert len(agains) == 3
    assert len({again.warc.name for again in agains}) == 1
    assert sorted(again.warc_offset for again in agains)[0] == 0
    client.force_login(reviewer)
    for again in agains:
        first = next(first for first in firsts if first.source_id == again.source_id)
        (original, _request), _ = records_of(first)
        records, data = records_of(again)
        assert [record[0] for record in records] == ["revisit", "request"]
        revisit = records[0][1]
        assert revisit.get_header("WARC-Refers-To") == original[1].get_header("WARC-Record-ID")
        assert revisit.get_header("WARC-Target-URI") == first.final_url
        assert hashlib.sha256(data).hexdigest() == again.warc_sha256
        assert len(data) < 1024
        downloaded = client.get(reverse("sources:check_archive", args=[again.pk]))
        assert b"".join(downloaded.streaming_content) == data
    # The file itself is the batch's records, one check's after another.
    whole = (settings.MEDIA_ROOT / agains[0].warc.name).read_bytes()
    assert hashlib.sha256(whole).hexdigest() in agains[0].warc.name
    assert [record.rec_type for record in ArchiveIterator(io.BytesIO(whole))] == ["revisit", "request"] * 3


def test_a_revisit_in_a_batch_file_is_revisited_again(linked_claim, loopback_server, allow_loopback):
    loopback_server.route("/one", body=page(QUOTE))
    loopback_server.route("/two", body=page(QUOTE, title="纳卡"))
    sources = [linked_claim(path=path).source_links.get().source for path in ("/one", "/two")]
    firsts = [check_now(source) for source in sources]
    for _ in range(2):
        requested_at = timezone.now()
        request_checks([source.pk for source in sources], requested_at=requested_at)
        agains = checking.run_checks([(source.pk, requested_at) for source in sources])

    for again in agains:
        first = next(first for first in firsts if first.source_id == again.source_id)
        (original, _request), _ = records_of(first)
        records, _ = records_of(again)
        assert records[0][0] == "revisit"
        assert records[0][1].get_header("WARC-Refers-To") == original[1].get_header("WARC-Record-ID")


def test_a_304_is_archived_as_a_server_not_modified_revisit(linked_claim, loopback_server, allow_loopback):
    loopback_server.route("/article", body=page(QUOTE), etag=ETAG)
    link = linked_claim().source_links.get()
    first, second = check_now(link.source), check_now(link.source)

    (original, _request), _ = records_of(first)
    records, _ = records_of(second)
    assert [record[0] for record in records] == ["revisit", "request"]
    revisit = records[0][1]
    assert revisit.get_header("WARC-Profile") == SERVER_NOT_MODIFIED
    assert revisit.get_header("WARC-Refers-To") == original[1].get_header("WARC-Record-ID")
    assert records[1][1].get_header("WARC-Concurrent-To") == revisit.get_header("WARC-Record-ID")


def test_a_revisit_and_its_request_leave_out_the_digests_of_what_holds_no_body(
    linked_claim, loopback_server, allow_loopback
):
    loopback_server.route("/article", body=page(QUOTE), etag=ETAG)
    link = linked_claim().source_links.get()
    first, second = check_now(link.source), check_now(link.source)

    (original, original_request), _ = records_of(first)
    (revisit, request), data = records_of(second)
    # The whole page keeps every digest; the revisit keeps its original's payload digest alone.
    assert original[1].get_header("WARC-Block-Digest") and original_request[1].get_header("WARC-Block-Digest")
    assert revisit[1].get_header("WARC-Payload-Digest") == original[1].get_header("WARC-Payload-Digest")
    for record_type, headers, _body in (revisit, request):
        assert headers.get_header("WARC-Block-Digest") is None, record_type
    assert request[1].get_header("WARC-Payload-Digest") is None
    assert len(data) < 900


def test_a_changed_page_is_archived_whole(linked_claim, loopback_server, allow_loopback):
    loopback_server.route("/article", body=page(QUOTE))
    link = linked_claim().source_links.get()
    check_now(link.source)
    loopback_server.route("/article", body=page("至少32人死亡"))

    records, _ = records_of(check_now(link.source))

    assert [record[0] for record in records] == ["response", "request"]
    assert records[0][2] == page("至少32人死亡")


def test_archives_are_named_by_their_content(linked_claim, loopback_server, allow_loopback):
    loopback_server.route("/article", body=page(QUOTE))
    check = check_now(linked_claim().source_links.get().source)

    _, data = records_of(check)
    digest = hashlib.sha256(data).hexdigest()
    assert check.warc.name == f"warc/sha256/{digest[:2]}/{digest}.warc.gz"
    assert check.warc_sha256 == digest


def _store_with_a_filesystem_that_hangs_before_renaming(data):
    """In a process of its own: store ``data``, hanging once it is written, before its rename."""
    os.replace = lambda source, destination: time.sleep(600)
    blobs.store(data, "blobs-under-test", ".bin")


def test_a_writer_killed_mid_write_leaves_no_partial_file_under_the_name(settings):
    data = os.urandom(4 * 1024 * 1024)
    digest = hashlib.sha256(data).hexdigest()
    folder = settings.MEDIA_ROOT / "blobs-under-test" / digest[:2]
    writer = multiprocessing.get_context("fork").Process(
        target=_store_with_a_filesystem_that_hangs_before_renaming, args=(data,)
    )
    writer.start()
    deadline = time.monotonic() + 30
    while not any(path.stat().st_size == len(data) for path in folder.glob(".partial-*")):
        assert time.monotonic() < deadline, "the writer never got to write"
        time.sleep(0.05)

    os.kill(writer.pid, signal.SIGKILL)
    writer.join()

    assert not (folder / f"{digest}.bin").exists()
    name, stored_digest = blobs.store(data, "blobs-under-test", ".bin")
    assert (settings.MEDIA_ROOT / name).read_bytes() == data
    assert stored_digest == digest


def test_a_short_file_under_a_name_is_written_again(settings):
    data = b"WARC/1.0 and the rest of the archive"
    name, _digest = blobs.store(data, "blobs-under-test", ".bin")
    path = settings.MEDIA_ROOT / name
    path.write_bytes(data[:7])  # what a power cut before the disk had it could leave

    assert blobs.store(data, "blobs-under-test", ".bin")[0] == name
    assert path.read_bytes() == data


def _check_with_a_filesystem_that_hangs_before_renaming(source_id, requested_at):
    """In a process of its own, as a worker's pool process: check a source,
    hanging once its archive is written, before the archive's rename."""
    os.replace = lambda source, destination: time.sleep(600)
    checks_module.check_one(source_id, requested_at)


def _stored_files_are_whole(root) -> bool:
    """Every file under a content-addressed name holds the bytes its name says."""
    named = [path for path in root.rglob("*.warc.gz") if not path.name.startswith(".partial-")]
    return all(hashlib.sha256(path.read_bytes()).hexdigest() == path.name.split(".")[0] for path in named)


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_while_writing_an_archive_leaves_no_check_naming_a_missing_or_partial_file(
    linked_claim, loopback_server, allow_loopback, settings
):
    settings.SOURCE_CHECK_LEASE = 3
    loopback_server.route("/article", body=page(QUOTE))
    source = linked_claim().source_links.get().source
    request_check(source)
    source.refresh_from_db()
    archives = settings.MEDIA_ROOT / "warc"
    connection.close()  # the worker opens its own
    worker = multiprocessing.get_context("fork").Process(
        target=_check_with_a_filesystem_that_hangs_before_renaming, args=(source.pk, source.check_requested_at)
    )
    worker.start()
    deadline = time.monotonic() + 30
    while not any(archives.rglob(".partial-*")):
        assert time.monotonic() < deadline, "the worker never got to write its archive"
        time.sleep(0.02)
    time.sleep(0.2)  # well into the write, or past it and waiting to rename

    os.kill(worker.pid, signal.SIGKILL)
    worker.join()

    # The check is started and unfinished, and names no file; what has a name is whole.
    assert list(SourceCheck.objects.values_list("finished_at", "warc")) == [(None, "")]
    assert _stored_files_are_whole(archives)

    # Its lease runs out, and another worker takes the request over.
    time.sleep(settings.SOURCE_CHECK_LEASE)
    check = checks_module.check_one(source.pk, source.check_requested_at)
    assert check.outcome == CheckOutcome.OK
    stored = settings.MEDIA_ROOT / check.warc.name
    assert hashlib.sha256(stored.read_bytes()).hexdigest() == check.warc_sha256
    assert _stored_files_are_whole(archives)
    assert SourceCheck.objects.filter(finished_at__isnull=True).count() == 0
