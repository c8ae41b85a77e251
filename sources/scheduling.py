"""What the beat schedule runs: re-sending check requests that never
completed, taking over the checks of workers that died, and asking for the
scheduled re-checks that have come due."""

from collections import defaultdict
from datetime import timedelta
from itertools import zip_longest
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from .models import Source, SourceCheck
from .services import publish_checks, request_checks


def lost_requests(now=None):
    """Sources whose latest check request has no completed check: the
    broker was down when it was asked for, or the worker died mid-check.

    Requests younger than the sweep's grace period are left alone, since
    their message is most likely still queued.
    """
    now = now or timezone.now()
    grace = timedelta(seconds=settings.SOURCE_CHECK_SWEEP_GRACE)
    answered = SourceCheck.objects.filter(source=OuterRef("pk"), requested_at=OuterRef("check_requested_at")).filter(
        Q(finished_at__isnull=False) | Q(lease_expires_at__gt=now)
    )
    return Source.objects.filter(check_requested_at__lte=now - grace).exclude(Exists(answered))


def resend_lost_requests() -> int:
    """Queue again every lost request (same request time, so a check that
    completes meanwhile is not repeated). Returns how many were sent."""
    return publish_checks(list(lost_requests().values_list("pk", "check_requested_at")))


def abandoned_checks(now=None):
    """Started checks whose lease ran out unfinished: their worker died (or
    lost the database for longer than the lease). Only those that still
    answer their source's latest request: a newer request checks the page."""
    return SourceCheck.objects.filter(
        finished_at__isnull=True,
        lease_expires_at__lte=now or timezone.now(),
        requested_at=F("source__check_requested_at"),
    )


def resend_abandoned_checks() -> int:
    """Send the requests of abandoned checks again, to the quick queue (they
    have waited already): a live worker takes each over (``checking``). The
    beat runs this every ``SOURCE_CHECK_TAKEOVER_INTERVAL`` seconds, so a dead
    worker's checks are taken over within that plus the lease. Returns how
    many were sent."""
    requests = abandoned_checks().values_list("source_id", "requested_at")
    return publish_checks(list(requests[: settings.SOURCE_RECHECK_BATCH]), waited_for=True)


@transaction.atomic
def queue_due_checks() -> int:
    """Ask for a check of every source whose re-check time has come, the
    hosts taken in turn (``spread_by_host``)."""
    due = Source.objects.due_for_check(timezone.now()).values_list("pk", "url")
    due = list(due[: settings.SOURCE_RECHECK_BATCH])
    ids = [pk for pk, _url in due]
    Source.objects.filter(pk__in=ids).update(next_check_at=None)
    request_checks(spread_by_host(due))
    return len(due)


def spread_by_host(sources) -> list[int]:
    """The ids of ``(id, url)`` pairs, one host after another in turn, so
    that an outlet with many due sources has a few in each batch rather
    than whole batches of its own, which its per-host limit would hold up."""
    by_host = defaultdict(list)
    for pk, url in sources:
        by_host[urlsplit(url).hostname].append(pk)
    return [pk for turn in zip_longest(*by_host.values()) for pk in turn if pk is not None]
