"""Creating sources and asking for their checks.

``request_check`` is the one way to ask for a check: it records the request
on the source first, then publishes the task once the transaction commits.
If publishing fails (the broker is down), the request stays recorded and the
sweep in ``sources.tasks`` sends it again, so no check is lost.
"""

import logging
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from .models import Outlet, Source, SourceCheck
from .normalize import normalize_url

logger = logging.getLogger(__name__)


def get_or_create_source(url: str, *, user=None, **fields) -> tuple[Source, bool]:
    """The source for ``url`` (normalised), created with ``fields`` if new.

    A URL that is already known returns the existing source unchanged, so
    two claims quoting one page share its checks.
    """
    normalized = normalize_url(url)
    source, created = Source.objects.get_or_create(
        url=normalized, defaults={"submitted_url": url.strip()[:2000], "created_by": user, **fields}
    )
    return source, created


def outlet_for_domain(url: str) -> Outlet | None:
    """The outlet whose domain hosts ``url``, if one is registered."""
    host = urlsplit(normalize_url(url)).hostname or ""
    candidates = [host]
    parts = host.split(".")
    candidates += [".".join(parts[i:]) for i in range(1, len(parts) - 1)]
    return Outlet.objects.filter(domain__in=candidates).first()


def request_check(source: Source) -> bool:
    """Ask for ``source`` to be checked, after the current transaction commits.

    A request still waiting for its check, made within the sweep's grace
    period, is not doubled: the check it brings matches every link of the
    source when it finishes. Returns whether a new request was made.
    """
    requested_at = timezone.now()
    grace = timedelta(seconds=settings.SOURCE_CHECK_SWEEP_GRACE)
    completed = SourceCheck.objects.filter(
        source=OuterRef("pk"), requested_at=OuterRef("check_requested_at"), finished_at__isnull=False
    )
    no_pending_request = (
        Q(check_requested_at__isnull=True) | Q(check_requested_at__lte=requested_at - grace) | Exists(completed)
    )
    # One conditional UPDATE, so two people asking at once make one request.
    if not Source.objects.filter(no_pending_request, pk=source.pk).update(check_requested_at=requested_at):
        source.refresh_from_db(fields=["check_requested_at"])
        return False
    source.check_requested_at = requested_at
    transaction.on_commit(lambda: publish_check(source.pk, requested_at))
    return True


def publish_check(source_id: int, requested_at) -> bool:
    """Send the check task to the broker; ``False`` (and a log line) if the
    broker cannot be reached, in which case the sweep will send it later."""
    from .tasks import check_source

    try:
        check_source.apply_async(args=[source_id, requested_at.isoformat()])
    except Exception:  # the broker being down must not fail the user's save
        logger.warning("Could not queue a check of source %s; the sweep will retry.", source_id, exc_info=True)
        return False
    return True
