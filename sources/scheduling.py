"""What the beat schedule runs: re-sending check requests that never
completed, and asking for the scheduled re-checks that have come due."""

from collections import defaultdict
from datetime import timedelta
from itertools import zip_longest
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from .checking import check_lease
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
        Q(finished_at__isnull=False) | Q(started_at__gt=now - check_lease())
    )
    return Source.objects.filter(check_requested_at__lte=now - grace).exclude(Exists(answered))


def resend_lost_requests() -> int:
    """Queue again every lost request (same request time, so a check that
    completes meanwhile is not repeated). Returns how many were sent."""
    return publish_checks(list(lost_requests().values_list("pk", "check_requested_at")))


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
