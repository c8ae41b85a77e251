"""The notifications pages: read and clear them, watch a claim or an event,
add webhooks, and get or revoke the key of one's private feed. Members only."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import member_required
from claims.models import Claim, Event

from . import services
from .forms import WebhookForm
from .models import FeedToken, Notification, Watch


@member_required
def notification_list(request, webhook_form=None):
    user = request.user
    context = {
        "notifications": Notification.objects.filter(user=user).select_related("claim")[:100],
        "watches": Watch.objects.filter(user=user).select_related("claim", "event"),
        "webhooks": user.webhooks.all(),
        "webhook_form": webhook_form or WebhookForm(),
        "feed_token": FeedToken.objects.filter(user=user, revoked_at__isnull=True).first(),
    }
    return render(request, "notifications/notification_list.html", context, status=400 if webhook_form else 200)


@member_required
@require_POST
def mark_read(request):
    services.mark_all_read(request.user)
    return redirect("notifications:notification_list")


@member_required
@require_POST
def watch_claim(request, pk):
    claim = get_object_or_404(Claim, pk=pk)
    if request.POST.get("watch") == "0":
        services.unwatch(request.user, claim=claim)
    else:
        services.watch(request.user, claim=claim)
    return redirect(claim.get_absolute_url())


@member_required
@require_POST
def watch_event(request, slug):
    event = get_object_or_404(Event, slug=slug)
    if request.POST.get("watch") == "0":
        services.unwatch(request.user, event=event)
    else:
        services.watch(request.user, event=event)
    return redirect(event.get_absolute_url())


@member_required
@require_POST
def webhook_add(request):
    form = WebhookForm(request.POST)
    if not form.is_valid():
        return notification_list(request, webhook_form=form)
    services.add_webhook(request.user, form.cleaned_data["url"])
    messages.success(request, _("Webhook added."))
    return redirect("notifications:notification_list")


@member_required
@require_POST
def feed_token_new(request):
    services.new_feed_token(request.user)
    return redirect("notifications:notification_list")


@member_required
@require_POST
def feed_token_revoke(request):
    services.revoke_feed_tokens(request.user)
    return redirect("notifications:notification_list")
