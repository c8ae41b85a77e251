"""The dashboard's work queues: what needs this user now, per role.

Each queue is one query of a bounded length (``QUEUE_LENGTH``), with what its
rows show fetched along, so the dashboard costs the same number of queries
however many claims there are. Who may act on a claim is not decided here:
the verdict queue asks ``claims.workflow`` which claims the user may judge.
"""

from django.db.models import Case, Exists, OuterRef, Q, When

from accounts.roles import is_member
from sources.choices import SourceHealth

from .choices import ClaimStatus, QuoteMatch
from .models import Claim, ClaimLogEntry, ClaimSource, VanishedFlag
from .workflow import awaiting_verdict_from

QUEUE_LENGTH = 15


def _claims():
    return Claim.objects.select_related("claimant", "submitter", "assignee")


def _live_links():
    return ClaimSource.objects.filter(withdrawn_at__isnull=True).select_related(
        "claim", "source__latest_check", "source__outlet"
    )


def published_claims_with_troubled_sources():
    """Links whose source changed or went away under a published verdict:
    what the public reads may no longer stand, so this comes first."""
    return (
        _live_links()
        .filter(claim__status__in=ClaimStatus.verdicts(), source__health__in=[SourceHealth.CHANGED, SourceHealth.GONE])
        .order_by("-source__latest_check__finished_at", "-id")[:QUEUE_LENGTH]
    )


def vanished_quotes_and_figures():
    """Open flags of quotes, figures or pages gone from a source that carried
    them, those under a published verdict first, then the newest."""
    published_first = Case(When(link__claim__status__in=ClaimStatus.verdicts(), then=0), default=1)
    return (
        VanishedFlag.objects.filter(closed_at=None)
        .select_related("link__claim", "link__source")
        .order_by(published_first, "-raised_at", "-id")[:QUEUE_LENGTH]
    )


def my_claims(user):
    """Open claims ``user`` submitted or has in hand, most recently changed first."""
    return (
        _claims()
        .filter(Q(submitter=user) | Q(assignee=user), status__in=ClaimStatus.open())
        .order_by("-updated_at", "-id")[:QUEUE_LENGTH]
    )


def awaiting_my_verdict(user):
    """Claims in review whose verdict ``user`` may publish (editors)."""
    return awaiting_verdict_from(user, _claims()).order_by("updated_at", "id")[:QUEUE_LENGTH]


def unassigned_claims(user):
    """Unverified claims nobody has taken in hand, oldest first."""
    if not is_member(user):
        return Claim.objects.none()
    return (
        _claims()
        .filter(status=ClaimStatus.UNVERIFIED, assignee__isnull=True)
        .order_by("created_at", "id")[:QUEUE_LENGTH]
    )


def links_not_matching():
    """Links of open claims whose page was read but did not carry the quote
    or the figures."""
    return (
        _live_links()
        .filter(claim__status__in=ClaimStatus.open())
        .filter(Q(quote_match=QuoteMatch.NOT_FOUND) | Q(figures_match=QuoteMatch.NOT_FOUND))
        .order_by("-source__latest_check__finished_at", "-id")[:QUEUE_LENGTH]
    )


def activity_on_what_i_touched(user):
    """What others did lately to claims ``user`` submitted, has in hand or
    wrote in the log of."""
    touched = Q(claim__submitter=user) | Q(claim__assignee=user)
    touched |= Exists(ClaimLogEntry.objects.filter(claim_id=OuterRef("claim_id"), actor=user))
    return (
        ClaimLogEntry.objects.filter(touched)
        .exclude(actor=user)
        .select_related("claim", "actor")
        .order_by("-created_at", "-id")[:QUEUE_LENGTH]
    )
