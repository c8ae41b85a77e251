"""What the notifications app adds to other apps' pages, so that they never import it."""

from django import template

from ..models import Watch

register = template.Library()


@register.inclusion_tag("notifications/_watch_button.html", takes_context=True)
def watch_button(context, claim=None, event=None):
    """A form to watch, or stop watching, ``claim`` or ``event``."""
    user = context["request"].user
    watching = Watch.objects.filter(user=user, claim=claim, event=event).exists()
    return {"claim": claim, "event": event, "watching": watching, "csrf_token": context.get("csrf_token")}
