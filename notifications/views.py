"""The notifications pages: read and clear them, watch a claim or an event,
add webhooks, get or revoke the key of one's private feed, and choose an email
digest. Members only, each acting on their own."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import member_required
from claims.models import Claim, Event

from . import services
from .forms import DigestForm, WebhookForm
from .models import EmailDigest, FeedToken, Notification, Watch


@member_required
def notification_list(request, webhook_form=None, digest_form=None):
    """The page; a form refused elsewhere comes back here with its errors (400)."""
    user = request.user
    digest = EmailDigest.objects.filter(user=user).first() or EmailDigest(user=user)
    context = {
        "notifications": Notification.objects.filter(user=user).select_related("claim")[:100],
        "watches": Watch.objects.filter(user=user).select_related("claim", "event"),
        "webhooks": user.webhooks.all(),
        "webhook_form": webhook_form or WebhookForm(),
        "feed_token": FeedToken.objects.filter(user=user, revoked_at__isnull=True).first(),
        "digest_form": digest_form or DigestForm(instance=digest),
    }
    refused = webhook_form or digest_form
    return render(request, "notifications/notification_list.html", context, status=400 if refused else 200)


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
    def add(data):
        services.add_webhook(request.user, data["url"])
        return _("Webhook added.")

    return _submit(request, WebhookForm, "webhook_form", add)


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


@member_required
@require_POST
def digest_choose(request):
    def choose(data):
        digest = services.choose_digest(request.user, data["frequency"])
        return _("Email digest: %(choice)s.") % {"choice": digest.get_frequency_display()}

    return _submit(request, DigestForm, "digest_form", choose)


def _submit(request, form_class, form_name, save):
    """A form of the notifications page: valid, ``save`` its cleaned data for
    the signed-in member and say what it did; refused, the page again with the
    form's errors and what was typed (400)."""
    form = form_class(request.POST)
    if not form.is_valid():
        return notification_list(request, **{form_name: form})
    messages.success(request, save(form.cleaned_data))
    return redirect("notifications:notification_list")
