"""A user's private Atom feed of their notifications, opened by the key in
its address (``FeedToken``) rather than a session, so that a feed reader can
follow it; a revoked or unknown key opens nothing (404)."""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from .models import FeedToken, Notification

FEED_LENGTH = 50


class NotificationFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, key):
        return get_object_or_404(FeedToken.objects.select_related("user"), key=key, revoked_at__isnull=True).user

    def title(self, user):
        return _("Notifications for %(user)s") % {"user": user.get_username()}

    def link(self, user):
        return "/notifications/"

    def items(self, user):
        return Notification.objects.filter(user=user).select_related("claim")[:FEED_LENGTH]

    def item_title(self, notification):
        return notification.get_kind_display()

    def item_description(self, notification):
        return notification.message

    def item_link(self, notification):
        return notification.claim.get_absolute_url() + f"#notification-{notification.pk}"

    def item_pubdate(self, notification):
        return notification.created_at
