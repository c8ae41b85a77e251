"""Running checks of sources: claim the requests, fetch the pages, record
and archive what came back, judge each source's health, and tell whoever
listens (``signals.checks_finished``: the claims match their quotes).

A check answers one request (``Source.check_requested_at`` at the time it
was asked for). The row for a request is unique, so a message delivered
twice (a worker killed mid-check, the sweep re-sending a request) ends in one
completed check: a finished row is never redone, and a row another worker
holds is left to it. A worker holds the checks it started for
``SOURCE_CHECK_LEASE_SECONDS`` and renews that lease every third of it while
it works on them (a thread of the process doing the checks, so that a pool
process killed alone stops renewing too); once a lease runs out, its worker is
gone, and the beat sends the request again (``scheduling.resend_abandoned_checks``)
for another worker to take over.

Checks run in batches, as messages carry them (``sources.services`` puts up
to ``SOURCE_CHECK_BATCH_SIZE`` requests in one): a batch's rows are claimed
in one transaction and finished in another, so the database is visited
twice per batch rather than twice per check, and its pages are fetched at
once, one thread each, so that a slow outlet holds up no other page and a
batch takes as long as its slowest page, which the fetch deadline bounds.
The threads are the process's, kept from batch to batch (``_fetch_threads``):
starting a batch's fifty anew cost about 0.1 ms of CPU a check.

Each page is read and archived in the batch's own thread as its fetch comes
back, one at a time, not in the fetch threads: lxml lets go of Python's lock
around each of the hundreds of XPath queries trafilatura makes on a page, so
a batch's threads reading at once pass that lock back and forth thousands of
times a page, and reading cost half as much CPU again as reading in turn.
"""

import contextlib
import contextvars
import dataclasses
import functools
import hashlib
import logging
import os
import random
import threading
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Length
from django.utils import timezone

from . import blobs, soft_404, soft_limit
from .archive import Original, Stored, archive, original_response, store_records, warc_bytes
from .bulk import update_fields
from .choices import CheckOutcome, SourceHealth
from .extract import PageText, extract
from .fetch import FetchResult, Validators, fetch, tls_context
from .models import Source, SourceCheck, StoredText
from .normalize import MAX_URL_LENGTH
from .signals import checks_finished

logger = logging.getLogger(__name__)

# What a check records of its fetch, written when the check finishes.
RECORDED_FIELDS = [
    "outcome", "http_status", "final_url", "redirect_chain", "content_type", "latency_ms", "error", "bytes",
    "sha256", "etag", "last_modified", "title", "stored_text", "warc", "warc_sha256", "warc_offset", "warc_length",
    "content_changed", "went_away", "finished_at", "retry_at",
]  # fmt: skip
SOURCE_STATE_FIELDS = [
    "health", "gone_at", "content_changed_at", "title", "latest_check", "next_check_at", "check_waiting_since",
    "failures_in_a_row",
]  # fmt: skip
# What a re-check needs of the source's last good check.
LAST_GOOD_FIELDS = [
    "source_id", "stored_text", "title", "sha256", "warc", "warc_offset", "warc_length", "final_url", "etag",
    "last_modified",
]  # fmt: skip
OVERRUN = FetchResult(outcome=CheckOutcome.TIMEOUT, error="The check ran past its time limit.")


@dataclass(frozen=True)
class Observation:
    """What one fetch of a page brought back, ready to record on its check:
    a page read now (``page``), or the page of the source's last good check
    seen again unchanged (``same_as``), whose text is not read a second time.
    Its archive is ``stored`` already, or, for a page seen again, is its
    ``revisit`` records, stored with the batch's others (``_store_revisits``)."""

    result: FetchResult
    page: PageText | None = None
    same_as: SourceCheck | None = None
    sha256: str = ""
    validators: Validators = field(default_factory=Validators)
    stored: Stored | None = None
    revisit: bytes = b""


def warm_up() -> None:
    """Do the slow first-time work of a check once, before a worker's pool
    forks: loading the CA bundle, and trafilatura's settings and word lists
    on its first extraction (half a second). Otherwise each pool process pays
    it on its first batch, with all the batch's threads racing to do it."""
    tls_context()
    extract(b"<html><body><article><p>Warm-up.</p></article></body></html>", "text/html")


def run_checks(requests: list[tuple[int, datetime]]) -> list[SourceCheck]:
    """Check the source of each ``(source_id, requested_at)`` request;
    returns the completed checks, none for a request that is done,
    superseded by a newer one, or under way elsewhere. Each of its two
    transactions that fails on the database's side (its connection cut by a
    restart or a failover, a deadlock) is tried once more at once, on a new
    connection: the checks' lease is for workers that died, not for this."""
    try:
        checks = _claim_requests(requests)
    except (OperationalError, InterfaceError):
        logger.warning("Claiming %s checks failed on the database's side; claiming them again.", len(requests))
        connection.close()
        checks = _claim_requests(requests)
    if checks:
        with _holding(checks), soft_limit.watch() as limit:
            last_good = _last_good_checks(check.source for check in checks)
            _observe(checks, last_good, limit)
            _finish(checks, last_good)
    return checks


def _claim_requests(requests) -> list[SourceCheck]:
    """The check rows this worker will fill, one per request that is not
    done, superseded by a newer one, or under way elsewhere."""
    newest = {}
    for source_id, requested_at in requests:
        newest[source_id] = max(requested_at, newest.get(source_id, requested_at))
    now = timezone.now()
    lease_ends = now + check_lease()
    with transaction.atomic():
        sources = _locked_sources(newest)
        for source_id in newest.keys() - sources.keys():
            logger.info("Source %s no longer exists; nothing to check.", source_id)
        started = {
            (check.source_id, check.requested_at): check
            for check in SourceCheck.objects.filter(source_id__in=sources, requested_at__in=set(newest.values()))
        }
        new, abandoned = [], []
        for source in sources.values():
            requested_at = newest[source.pk]
            if source.check_requested_at and source.check_requested_at > requested_at:
                continue  # a newer request will check the page; one fetch is enough
            check = started.get((source.pk, requested_at))
            if check is None:
                new.append(
                    SourceCheck(source=source, requested_at=requested_at, started_at=now, lease_expires_at=lease_ends)
                )
            elif check.finished_at is None and (check.lease_expires_at is None or check.lease_expires_at <= now):
                # Started and never finished, and its lease ran out: its worker died. Start again.
                check.source, check.started_at, check.lease_expires_at = source, now, lease_ends
                abandoned.append(check)
        SourceCheck.objects.bulk_create(new)
        SourceCheck.objects.filter(pk__in=[check.pk for check in abandoned]).update(
            started_at=now, lease_expires_at=lease_ends
        )
    return new + abandoned


def _locked_sources(source_ids) -> dict[int, Source]:
    """The sources, locked for this transaction in id order, so that two
    workers locking overlapping batches cannot deadlock."""
    return {source.pk: source for source in Source.objects.select_for_update().filter(pk__in=source_ids).order_by("pk")}


def check_lease() -> timedelta:
    """How long a started check belongs to its worker without a renewal."""
    return timedelta(seconds=settings.SOURCE_CHECK_LEASE)


@contextlib.contextmanager
def _holding(checks: list[SourceCheck]):
    """Renew the lease of ``checks`` every third of it while the block runs,
    from a thread (with a database connection of its own), so that a batch
    longer than the lease stays this worker's. A renewal that fails (the
    database is away) is logged once and tried again; a worker that cannot
    renew may lose its checks to another, which is safe: one check per request."""
    stop = threading.Event()
    pks = [check.pk for check in checks]

    def renew():
        failing = False
        try:
            while not stop.wait(settings.SOURCE_CHECK_LEASE / 3):
                try:
                    SourceCheck.objects.filter(pk__in=pks, finished_at__isnull=True).update(
                        lease_expires_at=timezone.now() + check_lease()
                    )
                    failing = False
                except DatabaseError:
                    if not failing:
                        logger.warning("Could not renew the lease of %s running checks; retrying.", len(pks))
                    failing = True
                    connection.close()
        finally:
            connection.close()

    renewer = threading.Thread(target=contextvars.copy_context().run, args=(renew,), name="check-lease", daemon=True)
    renewer.start()
    try:
        yield
    finally:
        stop.set()
        renewer.join(timeout=settings.SOURCE_CHECK_LEASE)


# A bound that batches do not reach: the pool starts a thread only when none
# is idle, so it holds as many as the most pages fetched at once (a batch's,
# and those of one cut short by the soft time limit running out their deadline).
_MOST_FETCH_THREADS = 1000


@functools.cache
def _fetch_threads() -> ThreadPoolExecutor:
    """The threads that fetch the pages of this process's batches, made on
    first use (in a worker's pool process, after it forked) and kept."""
    return ThreadPoolExecutor(max_workers=_MOST_FETCH_THREADS, thread_name_prefix="fetch")


os.register_at_fork(after_in_child=_fetch_threads.cache_clear)  # a parent's threads do not come along


def _observe(checks: list[SourceCheck], last_good: dict[int, SourceCheck], limit: soft_limit.SoftLimit) -> None:
    """Fetch every check's page at once (asking whether it changed since the
    source's last good check, ``last_good``) and record what came back, until
    the task's soft ``limit`` is reached."""
    pool = _fetch_threads()
    fetching, revisits = {}, []
    for check in checks:
        previous = last_good.get(check.source_id)
        validators = _validators_of(previous) if previous else None
        # Each fetch runs in a copy of the task's logging context, so its lines carry the task id.
        fetching[pool.submit(contextvars.copy_context().run, fetch, check.source.url, validators)] = check
    try:
        for future in as_completed(fetching):
            # Popped (as_completed lets go of it too), so that a page's bytes
            # are freed once it is recorded, not when the whole batch is.
            check = fetching.pop(future)
            observation = _observation_of(future, check, last_good.get(check.source_id), limit)
            _record(check, observation)
            if observation.revisit:
                revisits.append((check, observation.revisit))
    except SoftTimeLimitExceeded:
        # Past the task's soft limit (a slow page, a long extraction): record
        # the unfinished checks as timed out rather than leave their rows open.
        for check in checks:
            if check.finished_at is None:
                _record(check, Observation(OVERRUN))
    finally:
        for future in fetching:
            future.cancel()  # those not started; the others end by their deadline
    _store_revisits(revisits)


def _store_revisits(revisits: list[tuple[SourceCheck, bytes]]) -> None:
    """Store the revisit records of the batch's pages seen again (each
    check's, ``(check, records)``) in one file, and point each check at its
    part. Should that fail on our side (a full disk), those checks are
    recorded as failed, as a check whose own archive failed is."""
    if not revisits:
        return
    try:
        stored = store_records([records for _check, records in revisits])
    except Exception as exc:
        logger.exception("Archiving the revisits of %s checks failed on our side.", len(revisits))
        error = f"The check failed on our side ({type(exc).__name__}); the worker's log has the details."
        for check, _records in revisits:
            _record(check, Observation(FetchResult(outcome=CheckOutcome.CHECK_FAILED, error=error)))
        return
    for (check, _records), where in zip(revisits, stored, strict=True):
        _set_archive(check, where)


def _validators_of(check: SourceCheck) -> Validators:
    return Validators(check.final_url, check.etag, check.last_modified)


def _observation_of(fetched, check, previous, limit: soft_limit.SoftLimit) -> Observation:
    """What the check observed of the page its fetch brought back. Should
    our own side fail (a full disk, a page that trips up a library), the
    check is recorded as failed, and takes no other check of its batch down
    with it. A page read while the soft limit was reached is not recorded:
    a library may have swallowed the limit and handed back half a reading."""
    try:
        observation = observe(fetched.result(), previous)
        limit.raise_if_reached()
        return observation
    except SoftTimeLimitExceeded:
        raise
    except Exception as exc:
        logger.exception("The check of source %s failed on our side.", check.source_id)
        error = f"The check failed on our side ({type(exc).__name__}); the worker's log has the details."
        return Observation(FetchResult(outcome=CheckOutcome.CHECK_FAILED, error=error))


def observe(result: FetchResult, previous: SourceCheck | None = None) -> Observation:
    """What a fetch of a source brought back: if a page, hashed,
    archived and read, unless it is the page of ``previous`` (the source's
    last good check) seen again, which the server said (304) or its body's
    hash does: that page is not read again, and its archive is ``revisit``
    records, left for the caller to store with its batch's others. A page
    read anew that is gone though it answered (a soft 404,
    ``soft_404.judge``) is observed as ``SOFT_NOT_FOUND``, archived and read
    all the same, as the evidence of what the address showed."""
    if result.outcome not in CheckOutcome.successes():
        return Observation(result)
    page, same_as = None, None
    if result.outcome == CheckOutcome.NOT_MODIFIED:
        same_as, sha256 = previous, previous.sha256
        # A 304 may leave out validators that did not change.
        validators = Validators(
            previous.final_url,
            result.validators.etag or previous.etag,
            result.validators.last_modified or previous.last_modified,
        )
    else:
        sha256, validators = hashlib.sha256(result.body).hexdigest(), result.validators
        if previous is not None and previous.sha256 == sha256 and previous.stored_text_id:
            same_as = previous
        else:
            page = extract(result.body, result.content_type)
            gone_because = soft_404.judge(result, page, _text_length(previous))
            if gone_because:
                result = dataclasses.replace(result, outcome=CheckOutcome.SOFT_NOT_FOUND, error=gone_because)
    # Last, so that a failure before leaves no stray file. A page seen again
    # is a revisit of the response its last good check's archive holds or
    # points at, stored with the batch's; with nothing to point at, it is
    # archived whole (a 304 as it came).
    original = _original_of(same_as) if same_as else None
    if original is not None:
        stored, revisit = None, warc_bytes(result, original)
    else:
        stored, revisit = archive(result), b""
    return Observation(
        result,
        page=page,
        same_as=same_as,
        sha256=sha256,
        validators=validators,
        stored=stored,
        revisit=revisit,
    )


def _original_of(check: SourceCheck) -> Original | None:
    return original_response(check.warc.name, check.warc_offset, check.warc_length) if check.warc else None


def _text_length(check: SourceCheck | None) -> int | None:
    """The length of the text ``check`` read (``_last_good_checks`` counts it), if any."""
    if check is None or not check.stored_text_id:
        return None
    return getattr(check, "text_length", None)


def _record(check: SourceCheck, observation: Observation) -> None:
    result, page = observation.result, observation.page
    check.outcome = result.outcome
    check.http_status = result.http_status
    check.final_url = result.final_url[:MAX_URL_LENGTH]
    check.redirect_chain = result.redirect_chain
    check.content_type = result.content_type[:200]
    check.latency_ms = result.latency_ms
    check.error = result.error
    check.bytes = len(result.body) if result.body or page else None
    check.sha256 = observation.sha256
    check.etag, check.last_modified = observation.validators.etag, observation.validators.last_modified
    if observation.same_as is not None:
        check.title, check.stored_text_id = observation.same_as.title, observation.same_as.stored_text_id
    elif page is not None:
        # Stored, or found stored already, when the batch finishes (``_store_texts``).
        check.title, check.stored_text = page.title, StoredText(sha256=StoredText.digest(page.text), text=page.text)
    else:
        check.title, check.stored_text = "", None
    _set_archive(check, observation.stored or Stored(name="", sha256=""))
    check.finished_at = timezone.now()
    if result.retry_after is not None:
        check.retry_at = check.finished_at + timedelta(seconds=result.retry_after)


def _set_archive(check: SourceCheck, stored: Stored) -> None:
    check.warc, check.warc_sha256 = stored.name, stored.sha256
    check.warc_offset, check.warc_length = stored.offset, stored.length


def _finish(checks: list[SourceCheck], last_good: dict[int, SourceCheck]) -> None:
    """Write the checks and their sources' new state, and tell the
    ``checks_finished`` receivers (the claims' quote matching), in one
    transaction; tried once more on a new connection should that fail on
    the database's side, with what the batch saw still in hand, rather than
    left for the checks' lease to run out and their pages to be fetched again.
    ``last_good``: the sources' last good checks when the batch was claimed."""
    # The archives are on disk before any committed row names them.
    blobs.make_durable(check.warc.name for check in checks)
    new_texts = [check for check in checks if check.stored_text_id is None and check.stored_text is not None]
    claimed = _Claimed(last_good, {check.source_id: check.source.latest_check_id for check in checks})
    try:
        _write_finished(checks, claimed)
    except (OperationalError, InterfaceError):
        # Once: a database that is down fails this too, and the lease takes over.
        logger.warning("Writing %s checks failed on the database's side; writing them again.", len(checks))
        connection.close()
        if SourceCheck.objects.filter(pk__in=[check.pk for check in checks], finished_at__isnull=False).exists():
            return  # the connection was lost after the commit: written already
        for check in new_texts:
            check.stored_text.pk = None  # its row went with the rolled-back transaction
            check.stored_text = check.stored_text
        _write_finished(checks, claimed)


@dataclass(frozen=True)
class _Claimed:
    """What a batch knew of its sources when it claimed them: their last
    good checks, and the latest check of each (``Source.latest_check``)."""

    last_good: dict[int, SourceCheck]
    latest: dict[int, int | None]

    def last_good_now(self, sources: list[Source]) -> dict[int, SourceCheck]:
        """The last good checks of ``sources`` (locked): as claimed, for each
        source whose latest check is the same; looked up again for those
        another worker has checked since."""
        checked_since = [source for source in sources if source.latest_check_id != self.latest[source.pk]]
        kept = {source.pk for source in sources} - {source.pk for source in checked_since}
        return {
            **{pk: check for pk, check in self.last_good.items() if pk in kept},
            **_last_good_checks(checked_since),
        }


def _write_finished(checks: list[SourceCheck], claimed: _Claimed) -> None:
    with transaction.atomic():
        sources = _locked_sources([check.source_id for check in checks])
        previous_good = claimed.last_good_now(list(sources.values()))
        _store_texts(checks)  # first, so that a text another check stored meanwhile is judged the same text
        for check in checks:
            check.source = sources[check.source_id]
            _judge(check, previous_good.get(check.source_id))
            _update_source(check.source, check)
        update_fields(checks, RECORDED_FIELDS)
        update_fields(list(sources.values()), SOURCE_STATE_FIELDS)
        checks_finished.send(sender=SourceCheck, checks=checks)


def _store_texts(checks: list[SourceCheck]) -> None:
    """Store the texts read by ``checks`` that are not stored yet, once
    each, and point each check at its text's row."""
    read = [check for check in checks if check.stored_text_id is None and check.stored_text is not None]
    if not read:
        return
    # A text already stored, by this batch or another, is kept as it is: its hash says it is the same.
    StoredText.objects.bulk_create(
        {check.stored_text.sha256: check.stored_text for check in read}.values(), ignore_conflicts=True
    )
    stored = dict(
        StoredText.objects.filter(sha256__in={check.stored_text.sha256 for check in read}).values_list("sha256", "pk")
    )
    for check in read:
        check.stored_text.pk = stored[check.stored_text.sha256]
        check.stored_text = check.stored_text  # sets stored_text_id too


def _last_good_checks(sources) -> dict[int, SourceCheck]:
    """Each source's last good check recorded so far (sources never checked
    before have none, and are not looked up)."""
    sources = [source for source in sources if source.latest_check_id]
    if not sources:
        return {}
    # The same queries on every database (SQLite, the zero-setup default, has
    # no DISTINCT ON): each source's newest good check, looked up per source,
    # so the cost follows the batch, not the length of the sources' history.
    # Two queries, not one: with the ids as a subquery, PostgreSQL hashed the
    # whole check table to join them (a sequential scan of every check ever
    # made, for every batch); as a list, they are found by the primary key.
    newest_good = SourceCheck.objects.good().filter(source=OuterRef("pk")).order_by("-finished_at", "-pk").values("pk")
    newest_ids = Source.objects.filter(pk__in=[source.pk for source in sources]).values_list(
        Subquery(newest_good[:1]), flat=True
    )
    good = (
        SourceCheck.objects.filter(pk__in=[pk for pk in newest_ids if pk is not None])
        .order_by()
        .only(*LAST_GOOD_FIELDS)
        .annotate(text_length=Length("stored_text__text"))
    )
    return {check.source_id: check for check in good}


def _judge(check: SourceCheck, previous_good: SourceCheck | None) -> None:
    """Compare ``check`` with the source's last good check: did the text
    change, did a page that was there go away?"""
    if check.is_success:
        check.content_changed = previous_good is not None and previous_good.stored_text_id != check.stored_text_id
    elif check.outcome in CheckOutcome.disappearances():
        check.went_away = previous_good is not None and check.source.health != SourceHealth.GONE


def _update_source(source: Source, check: SourceCheck) -> None:
    if check.outcome == CheckOutcome.DEFERRED:
        pass  # not seen: the source stays as the last check that saw it left it
    elif check.is_success:
        source.health = SourceHealth.CHANGED if check.content_changed else SourceHealth.OK
        source.gone_at = None
        if check.content_changed:
            source.content_changed_at = check.finished_at
        if not source.title and check.title:
            source.title = check.title
    elif check.went_away or (source.health == SourceHealth.GONE and check.outcome in CheckOutcome.disappearances()):
        source.health = SourceHealth.GONE
        source.gone_at = source.gone_at or check.finished_at
    else:
        source.health = SourceHealth.FAILED
    source.latest_check = check
    if check.is_success or check.outcome in CheckOutcome.disappearances():
        source.failures_in_a_row = 0
        source.next_check_at = next_check_time(source, check.finished_at)
    else:
        source.failures_in_a_row += 1
        source.next_check_at = retry_time(source, check)
    if check.requested_at == source.check_requested_at:
        source.check_waiting_since = None  # answered; a newer request would still wait


def retry_time(source: Source, check: SourceCheck):
    """When to try again a source whose check failed or was deferred: when
    the server asked (``retry_at``), the first time; else, and from the
    second failure in a row on, not before ``SOURCE_RETRY_BASE`` doubled for
    each failure in a row (with jitter), up to the source's re-check interval."""
    if source.failures_in_a_row == 1 and check.retry_at:
        return check.retry_at
    interval = source.check_interval or timedelta(seconds=settings.SOURCE_RECHECK_INTERVAL)
    doublings = min(source.failures_in_a_row - 1, 32)
    backoff = min(timedelta(seconds=settings.SOURCE_RETRY_BASE * 2**doublings), interval)
    backoff *= random.uniform(0.9, 1.1)
    return max(check.finished_at + backoff, check.retry_at or check.finished_at)


def next_check_time(source: Source, after):
    """When to check ``source`` again: its interval (or the default), with up
    to a tenth of it as random jitter so that sources added together do not
    all come due in the same minute."""
    interval = source.check_interval or timedelta(seconds=settings.SOURCE_RECHECK_INTERVAL)
    jitter = interval.total_seconds() * 0.1
    return after + interval + timedelta(seconds=random.uniform(-jitter, jitter))
