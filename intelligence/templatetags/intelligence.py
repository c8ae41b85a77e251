"""What the intelligence app adds to the claims' pages, as template tags, so
that the claims app, which intelligence depends on, never imports it:
``{% event_reconciliation claims %}`` draws an event's reconciled figures
from the claims the page already read; ``{% claim_contradictions claim user %}``,
``{% event_contradictions event user %}`` and ``{% open_contradictions user %}``
list contradiction flags (read only: flags are computed when claims are
written, ``intelligence.flags``)."""

from django import template
from django.db.models import Q

from claims.permissions import Action, can
from intelligence.models import ContradictionFlag, FlagStatus
from intelligence.reconciliation import reconcile
from intelligence.timeline_chart import timeline_chart

register = template.Library()


@register.inclusion_tag("intelligence/_reconciliation.html")
def event_reconciliation(claims):
    """Per category and population, the reports, their bounds and a chart."""
    return {"groups": [(group, timeline_chart(group)) for group in reconcile(claims)]}


def _flags_context(flags, user, *, with_claims: bool) -> dict:
    return {
        "flags": flags,
        "may_explain": can(user, Action.EXPLAIN_FLAG),
        "with_claims": with_claims,
    }


def _flags():
    return ContradictionFlag.objects.select_related("first_claim", "second_claim", "explained_by")


@register.inclusion_tag("intelligence/_contradictions.html")
def claim_contradictions(claim, user):
    """The flags between ``claim`` and another claim, open first, then explained, then resolved."""
    flags = _flags().filter(Q(first_claim=claim) | Q(second_claim=claim)).order_by("status", "-created_at")
    return _flags_context(list(flags), user, with_claims=True)


@register.inclusion_tag("intelligence/_contradictions.html")
def event_contradictions(event, user):
    """The flags of ``event`` still standing (open or explained)."""
    flags = _flags().filter(event=event).exclude(status=FlagStatus.RESOLVED).order_by("status", "-created_at")
    return _flags_context(list(flags), user, with_claims=True)


@register.inclusion_tag("intelligence/_contradictions.html")
def open_contradictions(user, limit=10):
    """The newest open flags of every event, for the dashboard."""
    flags = _flags().filter(status=FlagStatus.OPEN).order_by("-created_at", "-id")[:limit]
    return _flags_context(list(flags), user, with_claims=True)
