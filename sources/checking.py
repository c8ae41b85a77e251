"""Running one check of a source: claim the request, fetch, record, archive,
judge the source's health and match the quotes of every claim linked to it.

A check answers one request (``Source.check_requested_at`` at the time it
was asked for). The row for a request is unique, so a message delivered
twice (a worker killed mid-check, the sweep re-sending a request) ends in one
completed check: a finished row is never redone, and a row another worker
started recently is left to it.
"""

import hashlib
import logging
import random
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from claims.choices import QuoteMatch
from claims.models import ClaimSource

from .archive import archive
from .choices import CheckOutcome, SourceHealth
from .extract import extract
from .fetch import FetchResult, fetch
from .matching import SearchablePage
from .models import Source, SourceCheck

logger = logging.getLogger(__name__)


def run_check(source_id: int, requested_at) -> SourceCheck | None:
    """Check the source for the request made at ``requested_at``; returns the
    completed check, or ``None`` when there is nothing (left) to do."""
    check = _claim_request(source_id, requested_at)
    if check is None:
        return None
    try:
        result = fetch(check.source.url)
        _record(check, result)
    except SoftTimeLimitExceeded:
        # Past the task's soft limit (a slow page, a long extraction): record
        # the check as timed out rather than leave its row open.
        _record_overrun(check)
    with transaction.atomic():
        source = Source.objects.select_for_update().get(pk=source_id)
        _judge(source, check)
        check.save()
        _update_source(source, check)
        match_links(check)
    return check


def _claim_request(source_id: int, requested_at) -> SourceCheck | None:
    """The check row this worker will fill for the request, or ``None`` if
    the request is done, superseded by a newer one, or under way elsewhere."""
    now = timezone.now()
    with transaction.atomic():
        source = Source.objects.select_for_update().filter(pk=source_id).first()
        if source is None:
            logger.info("Source %s no longer exists; nothing to check.", source_id)
            return None
        if source.check_requested_at and source.check_requested_at > requested_at:
            return None  # a newer request will check the page; one fetch is enough
        check = SourceCheck.objects.filter(source=source, requested_at=requested_at).first()
        if check is None:
            return SourceCheck.objects.create(source=source, requested_at=requested_at, started_at=now)
        if check.finished_at is not None or check.started_at > now - check_lease():
            return None
        # Started long ago and never finished: its worker died. Start again.
        check.started_at = now
        check.save(update_fields=["started_at"])
        return check


def check_lease() -> timedelta:
    """How long a started check belongs to its worker: the task's hard time
    limit, after which that worker has certainly stopped."""
    return timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)


def _record(check: SourceCheck, result: FetchResult) -> None:
    check.outcome = result.outcome
    check.http_status = result.http_status
    check.final_url = result.final_url[:2000]
    check.redirect_chain = result.redirect_chain
    check.content_type = result.content_type[:200]
    check.latency_ms = result.latency_ms
    check.error = result.error
    if result.outcome in CheckOutcome.successes():
        check.bytes = len(result.body)
        check.sha256 = hashlib.sha256(result.body).hexdigest()
        page = extract(result.body, result.content_type)
        check.title, check.text = page.title, page.text
        archive(check, result)
    check.finished_at = timezone.now()


def _record_overrun(check: SourceCheck) -> None:
    check.outcome = CheckOutcome.TIMEOUT
    check.error = "The check ran past its time limit."
    check.bytes, check.sha256, check.title, check.text, check.warc = None, "", "", "", ""
    check.finished_at = timezone.now()


def _judge(source: Source, check: SourceCheck) -> None:
    """Compare ``check`` with the source's last good check: did the text
    change, did a page that was there go away?"""
    # A source never checked before has no good check to compare with.
    previous_good = (
        None
        if source.latest_check_id is None
        else SourceCheck.objects.filter(
            source=source, outcome__in=CheckOutcome.successes(), finished_at__lt=check.finished_at
        )
        .exclude(pk=check.pk)
        .order_by("-finished_at")
        .first()
    )
    if check.is_success:
        check.content_changed = previous_good is not None and previous_good.text != check.text
    elif check.outcome in CheckOutcome.disappearances():
        check.went_away = previous_good is not None and source.health != SourceHealth.GONE


def _update_source(source: Source, check: SourceCheck) -> None:
    if check.is_success:
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
    source.next_check_at = next_check_time(source, check.finished_at)
    source.save(update_fields=["health", "gone_at", "content_changed_at", "title", "latest_check", "next_check_at"])


def next_check_time(source: Source, after):
    """When to check ``source`` again: its interval (or the default), with up
    to a tenth of it as random jitter so that sources added together do not
    all come due in the same minute."""
    interval = source.check_interval or timedelta(seconds=settings.SOURCE_RECHECK_INTERVAL)
    jitter = interval.total_seconds() * 0.1
    return after + interval + timedelta(seconds=random.uniform(-jitter, jitter))


def match_links(check: SourceCheck) -> None:
    """Record, on every live link of the check's source, whether the page
    carries the quoted passage and the claim's figures."""
    links = list(
        ClaimSource.objects.filter(source_id=check.source_id, withdrawn_at__isnull=True)
        .select_related("claim")
        .prefetch_related("claim__casualty_figures")
    )
    page = SearchablePage(check.text) if check.is_success and links else None
    for link in links:
        quote, figures = QuoteMatch.NOT_APPLICABLE, QuoteMatch.NOT_APPLICABLE
        excerpt = ""
        numbers = sorted(
            {n for figure in link.claim.casualty_figures.all() for n in (figure.low, figure.high) if n is not None}
        )
        if not check.is_success:
            quote = QuoteMatch.SOURCE_UNAVAILABLE if link.quoted_passage else quote
            figures = QuoteMatch.SOURCE_UNAVAILABLE if numbers else figures
        else:
            if link.quoted_passage:
                found = page.find_quote(link.quoted_passage)
                quote = QuoteMatch.FOUND if found.found else QuoteMatch.NOT_FOUND
                excerpt = found.excerpt
            if numbers:
                found = page.find_figures(numbers)
                figures = QuoteMatch.FOUND if found.found else QuoteMatch.NOT_FOUND
                excerpt = excerpt or found.excerpt
        link.quote_match, link.figures_match, link.matched_excerpt = quote, figures, excerpt
        link.matched_check = check
        link.save(update_fields=["quote_match", "figures_match", "matched_excerpt", "matched_check"])
