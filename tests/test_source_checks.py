"""The check pipeline (``sources.checking``) against a real loopback server:
what a check records, how the source's health follows, quote matching per
link, archiving, and that one request yields one completed check."""

import gzip
import hashlib
import io
import os
import signal
import threading
import time
from datetime import timedelta

import pytest
from billiard.pool import soft_timeout_sighandler
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from warcio.archiveiterator import ArchiveIterator

from claims.choices import BoundQualifier, CasualtyCategory, ClaimKind, Language, QuoteMatch
from claims.services import SourceLinkData
from sources import checking
from sources.checking import run_checks
from sources.choices import CheckOutcome, SourceHealth
from sources.models import Source, SourceCheck
from sources.scheduling import lost_requests, queue_due_checks, resend_abandoned_checks
from sources.services import request_check, request_checks
from sources.signals import checks_finished

pytestmark = pytest.mark.django_db

ARTICLE = """<html><head><title>{title}</title></head><body><article>
<h1>{title}</h1><p>{text}</p><p>{filler}</p></article></body></html>"""
QUOTE = "据当地亚美尼亚人说，至少27人死亡，200人受伤"
FILLER = "纳卡地区局势持续紧张，各方说法不一。" * 10


def page(text, title="纳卡冲突", encoding="utf-8"):
    return ARTICLE.format(title=title, text=text, filler=FILLER).encode(encoding)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def linked_claim(claim_factory, loopback_server):
    """A casualty claim quoting the loopback page ``/article``."""

    def make(path="/article", quote=QUOTE):
        return claim_factory(
            text="据当地亚美尼亚人说，至少27人死亡，200人受伤",
            language=Language.ZH,
            kind=ClaimKind.CASUALTY_FIGURE,
            figures=[
                {"category": CasualtyCategory.KILLED, "qualifier": BoundQualifier.AT_LEAST, "low": 27},
                {"category": CasualtyCategory.INJURED, "qualifier": BoundQualifier.EXACT, "low": 200},
            ],
            sources=[SourceLinkData(url=loopback_server.url(path), quoted_passage=quote)],
        )

    return make


def check_one(source_id, requested_at):
    """Run one request as a worker would; its completed check, or ``None``."""
    checks = run_checks([(source_id, requested_at)])
    return checks[0] if checks else None


def check_now(source):
    """Ask for a check and run it as the worker would."""
    request_check(source)
    source.refresh_from_db()
    return check_one(source.pk, source.check_requested_at)


def test_a_normal_page_is_recorded_archived_and_its_quote_found(linked_claim, loopback_server, allow_loopback):
    loopback_server.route("/article", body=page("据当地亚美尼亚人说：“至少２７人死亡，200人受伤。”"))
    claim = linked_claim()
    link = claim.source_links.get()

    check = check_now(link.source)

    assert check.outcome == CheckOutcome.OK
    assert check.http_status == 200
    assert check.title == "纳卡冲突"
    assert "至少２７人死亡" in check.text
    assert len(check.sha256) == 64
    assert check.finished_at >= check.started_at
    link.refresh_from_db()
    assert link.quote_match == QuoteMatch.FOUND
    assert link.figures_match == QuoteMatch.FOUND
    assert "２７人死亡" in link.matched_excerpt
    assert link.matched_check == check
    source = Source.objects.get(pk=link.source_id)
    assert source.health == SourceHealth.OK
    assert source.latest_check == check
    assert source.title == "纳卡冲突"


def test_the_archive_holds_the_fetched_page_and_its_request(linked_claim, loopback_server, allow_loopback):
    body = page("至少27人死亡，200人受伤")
    loopback_server.route("/article", body=body)
    check = check_now(linked_claim().source_links.get().source)

    with SourceCheck.objects.get(pk=check.pk).warc.open("rb") as archived:
        data = archived.read()
    records = [
        (record.rec_type, record.rec_headers.get_header("WARC-Target-URI"), record.content_stream().read())
        for record in ArchiveIterator(io.BytesIO(data))
    ]
    url = loopback_server.url("/article")
    assert records == [("response", url, body), ("request", url, b"")]
    assert gzip.decompress(data).startswith(b"WARC/1")
    assert check.warc_sha256 == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize(
    "content_type",
    ["text/html; charset=gbk", "text/html"],  # declared, or left for charset_normalizer to find
)
def test_a_gbk_page_is_decoded(linked_claim, loopback_server, allow_loopback, content_type):
    loopback_server.route(
        "/article",
        body=page("据当地亚美尼亚人说，至少27人死亡，200人受伤。", encoding="gbk"),
        headers={"Content-Type": content_type},
    )
    link = linked_claim().source_links.get()
    check = check_now(link.source)

    assert check.title == "纳卡冲突"
    link.refresh_from_db()
    assert link.quote_match == QuoteMatch.FOUND


def test_a_quote_missing_from_the_page_is_not_found(linked_claim, loopback_server, allow_loopback):
    loopback_server.route("/article", body=page("阿塞拜疆说，6人被地雷炸死。"))
    link = linked_claim().source_links.get()
    check_now(link.source)
    link.refresh_from_db()
    assert link.quote_match == QuoteMatch.NOT_FOUND
    assert link.figures_match == QuoteMatch.NOT_FOUND


def test_a_redirect_chain_is_recorded(linked_claim, loopback_server, allow_loopback):
    loopback_server.redirect_chain(["/article", "/moved", "/final"], final_body=page(QUOTE))
    check = check_now(linked_claim().source_links.get().source)
    assert check.outcome == CheckOutcome.REDIRECTED
    assert check.final_url == loopback_server.url("/final")
    assert len(check.redirect_chain) == 2


def test_changed_content_is_flagged(linked_claim, loopback_server, allow_loopback):
    loopback_server.route("/article", body=page(QUOTE))
    source = linked_claim().source_links.get().source
    first = check_now(source)
    loopback_server.route("/article", body=page("此文已更正：死亡人数为未知。"))
    second = check_now(source)

    assert not first.content_changed
    assert second.content_changed
    assert second.sha256 != first.sha256
    source.refresh_from_db()
    assert source.health == SourceHealth.CHANGED
    assert source.content_changed_at == second.finished_at


def test_a_page_that_disappears_is_flagged_gone(linked_claim, loopback_server, allow_loopback):
    loopback_server.route("/article", body=page(QUOTE))
    link = linked_claim().source_links.get()
    check_now(link.source)
    loopback_server.route("/article", status=410, body=b"gone")
    check = check_now(link.source)

    assert check.outcome == CheckOutcome.GONE
    assert check.went_away
    source = Source.objects.get(pk=link.source_id)
    assert source.health == SourceHealth.GONE
    assert source.gone_at == check.finished_at
    link.refresh_from_db()
    assert link.quote_match == QuoteMatch.SOURCE_UNAVAILABLE


@pytest.mark.parametrize(("status", "outcome"), [(404, CheckOutcome.NOT_FOUND), (500, CheckOutcome.SERVER_ERROR)])
def test_a_page_never_seen_fails_without_being_called_gone(
    linked_claim, loopback_server, allow_loopback, status, outcome
):
    loopback_server.route("/article", status=status, body=b"error")
    source = linked_claim().source_links.get().source
    check = check_now(source)
    assert check.outcome == outcome
    assert not check.went_away
    source.refresh_from_db()
    assert source.health == SourceHealth.FAILED


def test_a_refused_destination_is_recorded_not_dropped(linked_claim, loopback_server):
    """Without the test's allowance, loopback is unsafe: the check row says so."""
    loopback_server.route("/article", body=page(QUOTE))
    source = linked_claim().source_links.get().source
    check = check_now(source)
    assert check.outcome == CheckOutcome.UNSAFE
    assert check.error
    assert loopback_server.total_hits == 0
    source.refresh_from_db()
    assert source.health == SourceHealth.FAILED


def test_one_request_yields_one_completed_check(linked_claim, loopback_server, allow_loopback):
    loopback_server.route("/article", body=page(QUOTE))
    source = linked_claim().source_links.get().source
    request_check(source)
    source.refresh_from_db()

    first = check_one(source.pk, source.check_requested_at)
    again = check_one(source.pk, source.check_requested_at)

    assert first is not None
    assert again is None
    assert SourceCheck.objects.filter(source=source).count() == 1
    assert loopback_server.hits["/article"] == 1


def test_a_check_under_way_elsewhere_is_not_duplicated(linked_claim, loopback_server, allow_loopback):
    source = linked_claim().source_links.get().source
    request_check(source)
    source.refresh_from_db()
    now = timezone.now()
    SourceCheck.objects.create(
        source=source,
        requested_at=source.check_requested_at,
        started_at=now,
        lease_expires_at=now + timedelta(seconds=5),
    )

    assert check_one(source.pk, source.check_requested_at) is None
    assert loopback_server.total_hits == 0


def test_a_check_abandoned_by_a_dead_worker_is_run_again(linked_claim, loopback_server, allow_loopback, settings):
    loopback_server.route("/article", body=page(QUOTE))
    source = linked_claim().source_links.get().source
    request_check(source)
    source.refresh_from_db()
    started = timezone.now() - timedelta(seconds=20)
    SourceCheck.objects.create(
        source=source,
        requested_at=source.check_requested_at,
        started_at=started,
        lease_expires_at=timezone.now() - timedelta(seconds=1),  # its worker stopped renewing it
    )

    check = check_one(source.pk, source.check_requested_at)

    assert check is not None and check.outcome == CheckOutcome.OK
    assert SourceCheck.objects.filter(source=source).count() == 1


def test_the_beat_sends_again_only_the_checks_whose_lease_ran_out(linked_claim, queued_messages, settings):
    now = timezone.now()
    dead, alive, superseded = (linked_claim(path).source_links.get().source for path in ("/dead", "/alive", "/old"))
    queued_messages()  # the links' own requests
    for source, lease in ((dead, -1), (alive, 5)):
        source.refresh_from_db()
        SourceCheck.objects.create(
            source=source,
            requested_at=source.check_requested_at,
            started_at=now - timedelta(seconds=20),
            lease_expires_at=now + timedelta(seconds=lease),
        )
    # A dead worker's check of a request that a newer one replaced: the newer one checks the page.
    SourceCheck.objects.create(
        source=superseded,
        requested_at=now - timedelta(minutes=5),
        started_at=now - timedelta(minutes=5),
        lease_expires_at=now - timedelta(minutes=4),
    )

    resend_abandoned_checks()  # sent in the background when the broker is slow to take it

    dead.refresh_from_db()
    sent = []
    deadline = time.monotonic() + 10
    while not sent and time.monotonic() < deadline:
        sent = queued_messages()
        time.sleep(0.1)
    time.sleep(0.5)
    assert sent + queued_messages() == [[[[dead.pk, dead.check_requested_at.isoformat()]]]]
    beat = settings.CELERY_BEAT_SCHEDULE["take-over-abandoned-checks"]
    assert beat["task"] == "sources.take_over_abandoned_checks"
    # A dead worker's check is sent again within the lease and one beat: under 30 s.
    assert settings.SOURCE_CHECK_LEASE + beat["schedule"] < 30


# Serialized rollback, as the worker tests: the flush after a transactional test must leave the roles' groups.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_running_check_keeps_its_lease_renewed(linked_claim, loopback_server, allow_loopback, settings):
    settings.SOURCE_CHECK_LEASE = 3  # renewed every second
    loopback_server.route("/slow", body=page(QUOTE), delay=3.5)  # outlasts the lease
    source = linked_claim("/slow").source_links.get().source
    source.refresh_from_db()
    leases = []

    def watch():
        while not done.is_set():
            leases.extend(SourceCheck.objects.filter(source=source).values_list("started_at", "lease_expires_at"))
            time.sleep(0.2)
        connection.close()

    done = threading.Event()
    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        check = check_one(source.pk, source.check_requested_at)
    finally:
        done.set()
        watcher.join()

    assert check.outcome == CheckOutcome.OK
    started = check.started_at
    # Never left to run out while the page was fetched: renewed past the first lease.
    assert max(lease for _started, lease in leases) >= started + timedelta(seconds=5)
    assert all(lease > started for _started, lease in leases)


def test_an_older_request_gives_way_to_a_newer_one(linked_claim, loopback_server, allow_loopback):
    source = linked_claim().source_links.get().source
    older = timezone.now() - timedelta(minutes=1)
    assert check_one(source.pk, older) is None
    assert loopback_server.total_hits == 0


def test_the_sweep_finds_requests_without_a_completed_check(linked_claim, loopback_server, allow_loopback, settings):
    settings.SOURCE_CHECK_SWEEP_GRACE = 0
    loopback_server.route("/article", body=page(QUOTE))
    source = linked_claim().source_links.get().source
    assert list(lost_requests()) == [source]

    check_now(source)

    assert list(lost_requests()) == []


def test_a_completed_check_schedules_the_next_one_with_jitter(linked_claim, loopback_server, allow_loopback, settings):
    settings.SOURCE_RECHECK_INTERVAL = 3600
    loopback_server.route("/article", body=page(QUOTE))
    source = linked_claim().source_links.get().source
    check = check_now(source)
    source.refresh_from_db()
    delay = (source.next_check_at - check.finished_at).total_seconds()
    assert 3240 <= delay <= 3960


def test_a_check_already_asked_for_is_not_asked_for_twice(linked_claim, loopback_server, allow_loopback):
    loopback_server.route("/article", body=page(QUOTE))
    source = linked_claim().source_links.get().source
    first_request = Source.objects.get(pk=source.pk).check_requested_at

    assert request_check(source) is False  # the link's request is still waiting
    assert Source.objects.get(pk=source.pk).check_requested_at == first_request

    check_one(source.pk, first_request)
    assert request_check(source) is True  # answered: a new check may be asked for


def test_a_request_lost_past_the_grace_period_is_asked_for_anew(linked_claim, settings):
    source = linked_claim().source_links.get().source
    settings.SOURCE_CHECK_SWEEP_GRACE = 0
    assert request_check(source) is True


def test_due_sources_are_asked_for_again(linked_claim, loopback_server, allow_loopback):
    loopback_server.route("/article", body=page(QUOTE))
    source = linked_claim().source_links.get().source
    source.refresh_from_db()
    check_one(source.pk, source.check_requested_at)
    Source.objects.filter(pk=source.pk).update(next_check_at=timezone.now() - timedelta(seconds=1))
    before = Source.objects.get(pk=source.pk).check_requested_at

    assert queue_due_checks() == 1

    source.refresh_from_db()
    assert source.check_requested_at > before
    assert source.next_check_at is None
    assert queue_due_checks() == 0


def test_the_archive_is_downloaded_by_members_only(client, linked_claim, loopback_server, allow_loopback, reviewer):
    loopback_server.route("/article", body=page(QUOTE))
    check = check_now(linked_claim().source_links.get().source)
    url = f"/sources/checks/{check.pk}/archive.warc.gz"

    assert client.get(url).status_code == 302
    client.force_login(reviewer)
    response = client.get(url)
    assert response.status_code == 200
    with SourceCheck.objects.get(pk=check.pk).warc.open("rb") as archived:
        assert b"".join(response.streaming_content) == archived.read()


def test_the_api_offers_the_archive_of_each_check(linked_claim, loopback_server, allow_loopback, reviewer):
    from rest_framework.test import APIClient

    loopback_server.route("/article", body=page(QUOTE))
    check = check_now(linked_claim().source_links.get().source)
    client = APIClient()
    client.force_authenticate(reviewer)

    history = client.get(f"/api/sources/{check.source_id}/checks/").json()["results"]
    download = client.get(history[0]["archive_url"])

    assert download.status_code == 200
    with SourceCheck.objects.get(pk=check.pk).warc.open("rb") as archived:
        assert b"".join(download.streaming_content) == archived.read()


# A paragraph as long as a wire story's (extractors that deduplicate only
# consider paragraphs of a hundred characters or more).
WIRE_PARAGRAPH = (
    "阿塞拜疆国防部9月20日表示，其军事行动“继续取得成功”。而在纳卡地区的亚美尼亚人则称，战斗仍在以不同的强度继续进行，"
    "据当地亚美尼亚人说，至少27人死亡，200人受伤，一些村庄的居民已经被疏散。阿塞拜疆总统阿利耶夫表示，"
    "若亚美尼亚军队放下武器，离开纳卡地区，阿塞拜疆就停火。"
)


def test_a_wire_story_carried_by_many_outlets_is_found_on_each(linked_claim, loopback_server, allow_loopback):
    links = []
    for outlet in range(6):
        path = f"/outlet-{outlet}/story"
        own_reporting = f"第{outlet}家媒体的记者在现场看到，医院里挤满了伤员，救护车不停地往返于前线和城市之间。" * 3
        body = ARTICLE.format(title=f"第{outlet}家媒体的报道", text=WIRE_PARAGRAPH, filler=own_reporting)
        loopback_server.route(path, body=body.encode())
        links.append(linked_claim(path=path).source_links.get())

    for link in links:
        check_now(link.source)

    for link in links:
        link.refresh_from_db()
        assert link.quote_match == QuoteMatch.FOUND, link.source.url
        assert link.figures_match == QuoteMatch.FOUND, link.source.url


def test_an_unchanged_page_checked_day_after_day_stays_unchanged(linked_claim, loopback_server, allow_loopback):
    loopback_server.route("/article", body=page(WIRE_PARAGRAPH))
    link = linked_claim().source_links.get()

    checks = [check_now(link.source) for _ in range(5)]

    assert [check.content_changed for check in checks] == [False] * 5
    assert len({check.text for check in checks}) == 1
    link.source.refresh_from_db()
    assert link.source.health == SourceHealth.OK
    link.refresh_from_db()
    assert link.quote_match == QuoteMatch.FOUND


# --- batches: the way the worker runs checks ------------------------------------


def requested(sources):
    """Ask for a check of every source at once; their requests."""
    request_checks([source.pk for source in sources])
    return [(source.pk, Source.objects.get(pk=source.pk).check_requested_at) for source in sources]


def linked_sources(linked_claim, loopback_server, count, prefix="/batch", **route):
    """``count`` sources, each a page on the loopback server quoted by a claim."""
    sources = []
    for n in range(count):
        loopback_server.route(f"{prefix}-{n}", body=page(QUOTE), **route)
        sources.append(linked_claim(path=f"{prefix}-{n}").source_links.get().source)
    return sources


def test_every_request_of_a_batch_is_checked_and_matched(linked_claim, loopback_server, allow_loopback):
    sources = linked_sources(linked_claim, loopback_server, 4)

    checks = run_checks(requested(sources))

    assert sorted(check.source_id for check in checks) == sorted(source.pk for source in sources)
    for source in sources:
        source.refresh_from_db()
        assert source.health == SourceHealth.OK
        assert source.latest_check.outcome == CheckOutcome.OK
        link = source.claim_links.get()
        assert (link.quote_match, link.matched_check_id) == (QuoteMatch.FOUND, source.latest_check_id)


def test_the_claims_hear_of_a_whole_batch_at_once_once_it_is_recorded(linked_claim, loopback_server, allow_loopback):
    """``checks_finished`` carries the batch's checks in one signal, sent when
    their rows are written, so that the claims match a batch in bulk."""
    sources = linked_sources(linked_claim, loopback_server, 3, prefix="/heard")
    heard = []

    def listener(sender, checks, **kwargs):
        recorded = SourceCheck.objects.filter(pk__in=[check.pk for check in checks], finished_at__isnull=False)
        heard.append((sorted(check.source_id for check in checks), recorded.count()))

    checks_finished.connect(listener)
    try:
        run_checks(requested(sources))
    finally:
        checks_finished.disconnect(listener)

    assert heard == [(sorted(source.pk for source in sources), 3)]


def test_a_batch_whose_matching_fails_is_not_recorded_half_done(linked_claim, loopback_server, allow_loopback):
    """The signal is sent inside the batch's finishing transaction: should a
    receiver fail, neither the checks nor their sources' state are kept, and
    the requests stay to be checked again (the sweep re-sends them)."""
    source = linked_sources(linked_claim, loopback_server, 1, prefix="/fails")[0]

    def failing(sender, checks, **kwargs):
        raise RuntimeError("matching failed")

    checks_finished.connect(failing)
    try:
        with pytest.raises(RuntimeError):
            run_checks(requested([source]))
    finally:
        checks_finished.disconnect(failing)

    source.refresh_from_db()
    assert source.latest_check is None
    assert not source.checks.filter(finished_at__isnull=False).exists()
    assert list(lost_requests(timezone.now() + timedelta(days=1))) == [source]


def test_a_batch_costs_the_same_queries_whatever_its_size(linked_claim, loopback_server, allow_loopback):
    def queries_for(count):
        """Queries of a first check of ``count`` sources, then of their re-check."""
        sources = linked_sources(linked_claim, loopback_server, count, prefix=f"/of-{count}")
        counts = []
        for _round in ("first", "again"):
            batch = requested(sources)
            with CaptureQueriesContext(connection) as queries:
                assert len(run_checks(batch)) == count
            counts.append(len(queries))
        return counts

    assert queries_for(2) == queries_for(12)


def test_a_batch_re_check_compares_each_source_with_its_own_last_good_check(
    linked_claim, loopback_server, allow_loopback
):
    # Each source's history: a good check, a second good check with new text,
    # then a failure. A re-check serving the second text again is unchanged
    # only if it is compared with that source's newest good check, not its
    # first one nor another source's (this crashed on SQLite: no DISTINCT ON).
    sources = linked_sources(linked_claim, loopback_server, 3)
    run_checks(requested(sources))
    for n in range(3):
        loopback_server.route(f"/batch-{n}", body=page(f"更正{n}：至少30人死亡"))
    assert all(check.content_changed for check in run_checks(requested(sources)))
    for n in range(3):
        loopback_server.route(f"/batch-{n}", status=503, body=b"busy")
    run_checks(requested(sources))
    loopback_server.route("/batch-0", body=page("更正0：至少30人死亡"))
    loopback_server.route("/batch-1", body=page("更正1：至少30人死亡"))
    loopback_server.route("/batch-2", body=page(QUOTE))

    rechecks = {check.source_id: check for check in run_checks(requested(sources))}

    assert [rechecks[source.pk].content_changed for source in sources] == [False, False, True]
    assert [Source.objects.get(pk=source.pk).health for source in sources] == [
        SourceHealth.OK,
        SourceHealth.OK,
        SourceHealth.CHANGED,
    ]


def test_a_slow_page_holds_up_no_other_page_of_its_batch(linked_claim, loopback_server, allow_loopback):
    # One after another these pages would take 5 s; fetched at once, about 1 s.
    batch = requested(linked_sources(linked_claim, loopback_server, 5, delay=1.0))

    started = time.monotonic()
    checks = run_checks(batch)

    assert time.monotonic() - started < 3.0
    assert [check.outcome for check in checks] == [CheckOutcome.OK] * 5


def test_a_batch_checks_only_what_is_still_to_do(linked_claim, loopback_server, allow_loopback):
    done, waiting, superseded = linked_sources(linked_claim, loopback_server, 3)
    batch = requested([done, waiting, superseded])
    run_checks(batch[:1])  # ``done`` answered by an earlier batch
    older = superseded.check_requested_at - timedelta(minutes=1)

    checks = run_checks([batch[0], batch[1], (superseded.pk, older), (superseded.pk, older)])

    assert [check.source_id for check in checks] == [waiting.pk]
    assert SourceCheck.objects.filter(source=done).count() == 1
    assert not SourceCheck.objects.filter(source=superseded).exists()
    assert loopback_server.hits["/batch-0"] == 1


def test_requests_made_together_travel_in_batches(queued_messages, settings, django_capture_on_commit_callbacks):
    settings.SOURCE_CHECK_BATCH_SIZE = 20
    sources = Source.objects.bulk_create(Source(url=f"https://example.org/report/{n}") for n in range(45))
    ids = [source.pk for source in sources]

    with django_capture_on_commit_callbacks(execute=True):
        assert sorted(request_checks(ids)) == ids
    with django_capture_on_commit_callbacks(execute=True):
        assert request_checks(ids) == []  # still waiting: not asked for twice

    messages = queued_messages()
    assert sorted(len(args[0]) for args in messages) == [5, 20, 20]
    assert sorted(source_id for args in messages for source_id, _at in args[0]) == ids
    requested_at = {source.check_requested_at.isoformat() for source in Source.objects.filter(pk__in=ids)}
    assert {at for args in messages for _id, at in args[0]} == requested_at


def test_a_check_that_fails_on_our_side_fails_alone(linked_claim, loopback_server, allow_loopback, settings, tmp_path):
    readable, missing = linked_sources(linked_claim, loopback_server, 2)
    loopback_server.route("/batch-1", status=404, body=b"no such page")
    not_a_folder = tmp_path / "not-a-folder"
    not_a_folder.write_text("")
    settings.MEDIA_ROOT = not_a_folder / "media"  # a page that came back cannot be archived

    checks = {check.source_id: check for check in run_checks(requested([readable, missing]))}

    assert checks[readable.pk].outcome == CheckOutcome.CHECK_FAILED
    assert "on our side" in checks[readable.pk].error
    assert checks[missing.pk].outcome == CheckOutcome.NOT_FOUND
    readable.refresh_from_db()
    assert readable.health == SourceHealth.FAILED
    assert readable.claim_links.get().quote_match == QuoteMatch.SOURCE_UNAVAILABLE


def test_the_soft_time_limit_reached_while_a_page_is_read_ends_the_batch_as_timed_out(
    linked_claim, loopback_server, allow_loopback
):
    # A 7 MB page takes about a second to read here; the soft limit comes
    # 0.4 s after the batch starts, once the page has come back (within a
    # tenth of a second), and the other page comes back after it.
    long_page, later = linked_sources(linked_claim, loopback_server, 2)
    loopback_server.route("/batch-0", body=page("</p><p>".join([QUOTE + FILLER] * 12000)))
    loopback_server.route("/batch-1", body=page(QUOTE), delay=1.0)
    # Celery's soft time limit as the worker's pool process gets it: SIGUSR1,
    # whose handler raises SoftTimeLimitExceeded in the main thread.
    previous_handler = signal.signal(signal.SIGUSR1, soft_timeout_sighandler)
    soft_limit = threading.Timer(0.4, os.kill, (os.getpid(), signal.SIGUSR1))
    try:
        soft_limit.start()
        checks = run_checks(requested([long_page, later]))
    finally:
        soft_limit.cancel()
        signal.signal(signal.SIGUSR1, previous_handler)
    # The later page's fetch is left to end on its own; let it end before the
    # test does (the process's fetch threads wait for work, so joining them would not end).
    checking._fetch_threads().shutdown(wait=True)
    checking._fetch_threads.cache_clear()

    assert [(check.outcome, check.error) for check in checks] == [
        (CheckOutcome.TIMEOUT, "The check ran past its time limit.")
    ] * 2
    assert SourceCheck.objects.filter(finished_at__isnull=True).count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_batch_whose_write_fails_on_the_database_side_is_written_again_at_once(
    linked_claim, loopback_server, allow_loopback
):
    sources = linked_sources(linked_claim, loopback_server, 2)
    failures = []

    def fail_once(sender, checks, **kwargs):
        # Once the texts are stored, inside the batch's transaction, as a cut connection would.
        if not failures:
            failures.append(len(checks))
            raise OperationalError("terminating connection due to administrator command")

    checks_finished.connect(fail_once, dispatch_uid="test.fail_once")
    try:
        checks = run_checks(requested(sources))
    finally:
        checks_finished.disconnect(dispatch_uid="test.fail_once")

    assert failures == [2]
    assert sorted(check.outcome for check in checks) == [CheckOutcome.OK] * 2
    for check in SourceCheck.objects.filter(source__in=sources).select_related("stored_text"):
        assert check.finished_at is not None and QUOTE in check.stored_text.text
    assert Source.objects.filter(pk__in=[s.pk for s in sources], health=SourceHealth.OK).count() == 2
