"""What the intelligence app adds to the claims' pages, as template tags, so
that the claims app, which intelligence depends on, never imports it:
``{% event_reconciliation claims %}`` draws an event's reconciled figures
from the claims the page already read."""

from django import template

from intelligence.reconciliation import reconcile
from intelligence.timeline_chart import timeline_chart

register = template.Library()


@register.inclusion_tag("intelligence/_reconciliation.html")
def event_reconciliation(claims):
    """Per category and population, the reports, their bounds and a chart."""
    return {"groups": [(group, timeline_chart(group)) for group in reconcile(claims)]}
