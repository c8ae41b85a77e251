"""Bounded history (``sources/retention.py``): of a run of checks that saw
the same page, the first and the last are kept and those between pruned once
old; what a verdict, an evidence item, a flag or a quote match rests on is
kept; an archive file no check names is deleted, and a check storing the
same bytes at that moment does not lose them (``blobs.discard``)."""

import hashlib
import io
import os
import time
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone
from warcio.archiveiterator import ArchiveIterator

from claims.choices import ClaimStatus, Stance
from claims.models import ClaimLogEntry, Event
from claims.services import add_evidence
from claims.workflow import change_status
from intelligence.models import ContradictionFlag, FlagKind
from sources import blobs
from sources.checking import run_checks
from sources.models import SourceCheck, StoredText
from sources.retention import prune_history, prune_sources
from sources.services import request_checks
from tests import test_source_checks as checks_module
from tests.test_source_checks import QUOTE, check_now, page

linked_claim, _media = checks_module.linked_claim, checks_module._media

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _policy(settings):
    settings.SOURCE_HISTORY_DAYS = 30
    settings.SOURCE_HISTORY_KEEP = 1


def checks_of(link, count):
    return [check_now(link.source) for _ in range(count)]


def age(checks, days=100):
    """Make ``checks`` as old as if they had been made ``days`` ago, an hour
    apart in their order; returns the time each now finished at."""
    start = timezone.now() - timedelta(days=days)
    times = []
    for number, check in enumerate(checks):
        finished = start + timedelta(hours=number)
        SourceCheck.objects.filter(pk=check.pk).update(started_at=finished, finished_at=finished)
        times.append(finished)
    return times


def kept(checks):
    return [checks.index(check) + 1 for check in checks if SourceCheck.objects.filter(pk=check.pk).exists()]


def archive_exists(settings, check):
    return (settings.MEDIA_ROOT / check.warc.name).exists()


def page_record(check):
    with open(check.warc.path, "rb") as file:
        records = [(record.rec_type, record.rec_headers) for record in ArchiveIterator(io.BytesIO(file.read()))]
    return next(record for record in records if record[0] != "request")


def test_of_an_unchanged_run_the_first_and_last_are_kept_and_the_rest_pruned(
    linked_claim, loopback_server, allow_loopback, settings
):
    loopback_server.route("/article", body=page(QUOTE))
    link = linked_claim().source_links.get()
    checks = checks_of(link, 5)
    loopback_server.route("/article", body=page(QUOTE + "，另有数十人下落不明"))
    checks += checks_of(link, 3)
    age(checks)
    texts, log = StoredText.objects.count(), ClaimLogEntry.objects.count()

    pruned = prune_sources([link.source_id], grace=0)

    assert kept(checks) == [1, 5, 6, 8]  # 6 saw the change and starts a run of its own
    assert pruned.checks == 4 and pruned.archives == 4 and pruned.archive_bytes > 0
    assert [archive_exists(settings, check) for check in checks] == [True, False, False, False, True, True, False, True]
    # What is left still reads back: the last of the run points at the body its first holds.
    original, revisit = page_record(checks[0]), page_record(checks[4])
    assert original[0] == "response" and revisit[0] == "revisit"
    assert revisit[1].get_header("WARC-Refers-To") == original[1].get_header("WARC-Record-ID")
    assert (StoredText.objects.count(), ClaimLogEntry.objects.count()) == (texts, log)
    link.refresh_from_db()
    link.source.refresh_from_db()
    assert link.matched_check_id == link.source.latest_check_id == checks[-1].pk


def test_a_file_of_a_batchs_revisits_is_deleted_only_once_no_check_names_it(
    linked_claim, loopback_server, allow_loopback, settings
):
    paths = ("/one", "/two")
    for path in paths:
        loopback_server.route(path, body=page(QUOTE, title=path))
    source_ids = [linked_claim(path=path).source_links.get().source_id for path in paths]
    histories = {source_id: [] for source_id in source_ids}
    for _ in range(5):
        requested_at = timezone.now()
        request_checks(source_ids, requested_at=requested_at)
        for check in run_checks([(source_id, requested_at) for source_id in source_ids]):
            histories[check.source_id].append(check)
    one, two = histories.values()
    assert [check.warc.name for check in one[1:]] == [check.warc.name for check in two[1:]]
    age(one)
    age(two, days=10)  # too young to prune

    prune_sources(source_ids, grace=0)

    assert kept(one) == [1, 5]
    assert [archive_exists(settings, check) for check in one] == [True] * 5  # the second source's checks name them
    for check in two:
        assert next(ArchiveIterator(io.BytesIO(check.archive_bytes()))).rec_type in ("response", "revisit")

    age(two)
    prune_sources(source_ids, grace=0)

    assert kept(two) == [1, 5]
    assert [archive_exists(settings, check) for check in one] == [True, False, False, False, True]


def test_young_checks_and_each_sources_newest_are_kept(linked_claim, loopback_server, allow_loopback, settings):
    loopback_server.route("/article", body=page(QUOTE))
    link = linked_claim().source_links.get()
    checks = checks_of(link, 6)
    age(checks, days=10)

    assert prune_sources([link.source_id], grace=0).checks == 0

    settings.SOURCE_HISTORY_DAYS = 5
    settings.SOURCE_HISTORY_KEEP = 3
    prune_sources([link.source_id], grace=0)
    assert kept(checks) == [1, 4, 5, 6]


def test_what_a_verdict_evidence_and_a_flag_rest_on_is_kept(
    linked_claim, loopback_server, allow_loopback, reviewer, editor, claim_factory
):
    loopback_server.route("/article", body=page(QUOTE))
    claim = linked_claim()
    link = claim.source_links.get()
    checks = checks_of(link, 7)
    times = age(checks)
    between = [when + timedelta(minutes=30) for when in times]
    claim = change_status(claim, reviewer, ClaimStatus.IN_REVIEW, expected_version=claim.version)
    claim = change_status(claim, editor, ClaimStatus.DISPUTED, rationale="Two counts.", expected_version=claim.version)
    claim.verdicts.update(published_at=between[1])  # published while check 2 was the latest
    evidence = add_evidence(claim, reviewer, stance=Stance.SUPPORTS, source_url=link.source.url)
    type(evidence).objects.filter(pk=evidence.pk).update(created_at=between[3])
    event = Event.objects.create_named("Shelling of Martuni")
    rival = claim_factory(text="Nobody was killed in Martuni")
    ContradictionFlag.objects.create(event=event, first_claim=claim, second_claim=rival, kind=FlagKind.FIGURES, key="k")
    ContradictionFlag.objects.update(created_at=between[4])
    log = ClaimLogEntry.objects.count()

    prune_sources([link.source_id], grace=0)

    assert kept(checks) == [1, 2, 4, 5, 7]
    assert ClaimLogEntry.objects.count() == log


def test_an_archive_another_kept_check_names_is_not_deleted(
    linked_claim, loopback_server, allow_loopback, settings, reviewer
):
    loopback_server.route("/article", body=page(QUOTE))
    claim = linked_claim()
    link = claim.source_links.get()
    checks = checks_of(link, 5)
    times = age(checks)
    evidence = add_evidence(claim, reviewer, stance=Stance.SUPPORTS, source_url=link.source.url)
    type(evidence).objects.filter(pk=evidence.pk).update(created_at=times[2] + timedelta(minutes=1))
    SourceCheck.objects.filter(pk=checks[2].pk).update(warc=checks[1].warc.name)  # 2 and 3 share a file

    pruned = prune_sources([link.source_id], grace=0)

    assert kept(checks) == [1, 3, 5]
    assert pruned.archives == 1  # check 4's; check 2's is check 3's too
    assert archive_exists(settings, checks[1]) and not archive_exists(settings, checks[3])


def test_an_archive_holding_a_body_is_kept_with_its_check(linked_claim, loopback_server, allow_loopback):
    loopback_server.route("/article", body=page(QUOTE))
    link = linked_claim().source_links.get()
    checks = checks_of(link, 4)
    age(checks)
    # Check 3's archive holds the body (as when its original could not be read): revisits may point at it.
    SourceCheck.objects.filter(pk=checks[2].pk).update(warc=checks[0].warc.name)

    prune_sources([link.source_id], grace=0)

    assert kept(checks) == [1, 3, 4]


def test_the_pass_goes_through_the_sources_a_batch_at_a_time(linked_claim, loopback_server, allow_loopback, settings):
    settings.SOURCE_HISTORY_BATCH = 1
    loopback_server.route("/a", body=page(QUOTE))
    loopback_server.route("/b", body=page(QUOTE))
    links = [linked_claim(path).source_links.get() for path in ("/a", "/b")]
    checks = {link.source_id: checks_of(link, 3) for link in links}
    for history in checks.values():
        age(history)
    first, second = sorted(checks)

    pruned, cursor = prune_history(seconds=0)
    assert (pruned.checks, cursor) == (1, first)
    pruned, cursor = prune_history(cursor)
    assert (pruned.checks, cursor) == (1, None)
    assert [kept(checks[source]) for source in (first, second)] == [[1, 3], [1, 3]]


# The archive files themselves: what ``discard`` deletes, and what a writer of the same bytes keeps.

DATA = b"WARC/1.0 a revisit record, a few hundred bytes"


def stored(days_old=0):
    name, _digest = blobs.store(DATA, "blobs-under-test", ".bin")
    path = default_storage.path(name)
    when = time.time() - days_old * 86400
    os.utime(path, (when, when))
    return name, path


def nothing_named(names):
    return set()


def whole(path):
    with open(path, "rb") as file:
        return hashlib.sha256(file.read()).hexdigest() == hashlib.sha256(DATA).hexdigest()


def test_a_file_no_check_names_is_deleted_and_written_again_when_needed():
    name, path = stored(days_old=1)

    assert blobs.discard([name], nothing_named, grace=3600) == [name]
    assert not os.path.exists(path)
    assert blobs.store(DATA, "blobs-under-test", ".bin")[0] == name and whole(path)


def test_a_file_a_check_just_stored_again_is_kept_until_its_row_is_committed():
    name, path = stored(days_old=1)
    blobs.store(DATA, "blobs-under-test", ".bin")  # a check finds it there, writes nothing; its row is to come

    assert blobs.discard([name], nothing_named, grace=3600) == []
    assert whole(path)


def test_a_check_storing_the_same_bytes_while_the_file_is_set_aside_writes_it_again():
    name, path = stored(days_old=1)

    def a_check_stores_meanwhile(names):
        assert not os.path.exists(path)  # set aside
        blobs.store(DATA, "blobs-under-test", ".bin")
        return set()  # its row is not committed yet

    blobs.discard([name], a_check_stores_meanwhile, grace=3600)
    assert whole(path)


def test_a_file_a_row_names_by_the_time_it_is_set_aside_is_put_back():
    name, path = stored(days_old=1)

    def a_row_was_committed(names):
        return set(names)

    assert blobs.discard([name], a_row_was_committed, grace=3600) == []
    assert whole(path)
    assert not [entry for entry in os.listdir(os.path.dirname(path)) if entry.startswith(".discarding-")]
