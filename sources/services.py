"""Creating sources, asking for their checks, and rating outlets.

``request_checks`` (``request_check`` for one source) is the one way to ask
for a check: it records the request on the source first, then publishes it
once the transaction commits.
If publishing fails (the broker is down), the request stays recorded and the
sweep in ``sources.tasks`` sends it again, so no check is lost.

A check someone waits for (one source: "check now", a new claim's sources)
travels as ``CHECK_NOW_TASK``, others (re-checks, an import's sources, the
sweep's) as ``CHECK_TASK``: the two go to separate queues (``CELERY_TASK_ROUTES``),
so that a reviewer's check never waits behind the day's re-checks.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tracker.publishing import send_tasks

from .choices import Reliability
from .models import Outlet, OutletRating, Source, SourceCheck
from .normalize import MAX_URL_LENGTH, normalize_url
from .signals import outlet_rated

# The names of the task that checks a batch of sources (``tasks.check_sources``),
# for checks nobody waits for and for those someone does.
CHECK_TASK = "sources.check_sources"
CHECK_NOW_TASK = "sources.check_sources_now"


def get_or_create_source(url: str, *, user=None, **fields) -> tuple[Source, bool]:
    """The source for ``url`` (normalised), created with ``fields`` if new.

    A URL that is already known returns the existing source unchanged, so
    two claims quoting one page share its checks.
    """
    normalized = normalize_url(url)
    source, created = Source.objects.get_or_create(
        url=normalized, defaults={"submitted_url": url.strip()[:MAX_URL_LENGTH], "created_by": user, **fields}
    )
    return source, created


def outlet_for_domain(url: str) -> Outlet | None:
    """The outlet whose domain hosts ``url``, if one is registered."""
    host = urlsplit(normalize_url(url)).hostname or ""
    candidates = [host]
    parts = host.split(".")
    candidates += [".".join(parts[i:]) for i in range(1, len(parts) - 1)]
    return Outlet.objects.filter(domain__in=candidates).first()


def rate_outlet(outlet: Outlet, reliability: Reliability, reason: str, by) -> Outlet:
    """Rate ``outlet`` on the Admiralty scale, ``by`` an account, for
    ``reason`` (required): the one way an outlet's rating changes. The rating
    is logged (``OutletRating``) and set on the outlet in one transaction,
    which also announces it (``outlet_rated``: intelligence regrades the
    claims citing the outlet's sources once it commits). Who may rate is the
    caller's to ask (``claims.permissions``: ``RATE_OUTLET``)."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the outlet deserves this rating.")})
    with transaction.atomic():
        outlet = Outlet.objects.select_for_update().get(pk=outlet.pk)
        rating = OutletRating.objects.create(
            outlet=outlet, reliability=Reliability(reliability), reason=reason, set_by=by, set_at=timezone.now()
        )
        outlet.reliability, outlet.reliability_reason = rating.reliability, rating.reason
        outlet.reliability_set_by, outlet.reliability_set_at = by, rating.set_at
        outlet.save(update_fields=["reliability", "reliability_reason", "reliability_set_by", "reliability_set_at"])
        outlet_rated.send(sender=Outlet, outlet=outlet)
    return outlet


def request_check(source: Source) -> bool:
    """Ask for ``source`` to be checked (see ``request_checks``); returns
    whether a new request was made."""
    requested_at = timezone.now()
    if request_checks([source.pk], requested_at=requested_at, waited_for=True):
        source.check_requested_at = requested_at
        return True
    source.refresh_from_db(fields=["check_requested_at"])  # the request already waiting
    return False


def request_checks(source_ids, *, requested_at=None, waited_for=False) -> list[int]:
    """Ask for a check of each of these sources, published once the current
    transaction commits in the order given; returns the ids of the sources asked for.
    ``waited_for``: someone is waiting for the result, so it goes to the quick queue.

    A request still waiting for its check, made within the sweep's grace
    period, is not doubled: the check it brings matches every link of the
    source when it finishes.
    """
    requested_at = requested_at or timezone.now()
    grace = timedelta(seconds=settings.SOURCE_CHECK_SWEEP_GRACE)
    completed = SourceCheck.objects.filter(
        source=OuterRef("pk"), requested_at=OuterRef("check_requested_at"), finished_at__isnull=False
    )
    no_pending_request = (
        Q(check_requested_at__isnull=True) | Q(check_requested_at__lte=requested_at - grace) | Exists(completed)
    )
    with transaction.atomic():
        # Locked rows are judged again once their lock is released, so two
        # people asking at once make one request.
        asked = set(
            Source.objects.select_for_update()
            .filter(no_pending_request, pk__in=source_ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        Source.objects.filter(pk__in=asked).update(check_requested_at=requested_at, check_waiting_since=requested_at)
    ids = [pk for pk in dict.fromkeys(source_ids) if pk in asked]  # sent in the order given
    if ids:
        transaction.on_commit(lambda: _send([(pk, requested_at) for pk in ids], waited_for))
    return ids


# The requests collected by the innermost ``checks_sent_together`` block, if any.
_collected_requests: ContextVar[list | None] = ContextVar("collected_check_requests", default=None)


@contextmanager
def checks_sent_together():
    """Within this block, committed check requests are collected instead of
    sent one transaction at a time, and sent in batches when it ends: an
    import saves each claim in a transaction of its own, and its hundreds of
    sources would otherwise travel a message each. Nobody waits for them one by
    one, so they go as re-checks do. Requests are recorded on their sources
    all along, so a block that dies leaves them to the sweep."""
    collected = []
    token = _collected_requests.set(collected)
    try:
        yield
    finally:
        _collected_requests.reset(token)
        publish_checks(collected)


def _send(requests, waited_for: bool) -> None:
    collected = _collected_requests.get()
    if collected is None:
        publish_checks(requests, waited_for=waited_for)
    else:
        collected.extend(requests)


def publish_checks(requests: list[tuple[int, datetime]], *, waited_for: bool = False) -> int:
    """Send ``(source_id, requested_at)`` requests to the broker,
    ``SOURCE_CHECK_BATCH_SIZE`` to a message; returns how many were sent
    within ``BROKER_PUBLISH_WAIT`` (``tracker.publishing``: a hung broker
    never holds a save longer). When a message cannot be sent (the broker is
    down) the rest are not tried; every unsent request is left to the sweep,
    which sends it again.

    The task is sent by its name, so that this module (which the beat
    schedule's ``scheduling`` uses) does not import ``tasks`` (which imports
    ``scheduling``)."""
    size = settings.SOURCE_CHECK_BATCH_SIZE
    task = CHECK_NOW_TASK if waited_for else CHECK_TASK
    batches = [
        [[source_id, requested_at.isoformat()] for source_id, requested_at in requests[start : start + size]]
        for start in range(0, len(requests), size)
    ]
    sent = send_tasks([(task, [batch]) for batch in batches])
    return sum(len(batch) for batch in batches[:sent])
