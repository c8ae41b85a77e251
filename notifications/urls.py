"""URLs of the notifications app."""

from django.urls import path

from . import feeds, views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="notification_list"),
    path("read/", views.mark_read, name="mark_read"),
    path("watch/claims/<int:pk>/", views.watch_claim, name="watch_claim"),
    path("watch/events/<str:slug>/", views.watch_event, name="watch_event"),
    path("webhooks/", views.webhook_add, name="webhook_add"),
    path("digest/", views.digest_choose, name="digest_choose"),
    path("feed/new/", views.feed_token_new, name="feed_token_new"),
    path("feed/revoke/", views.feed_token_revoke, name="feed_token_revoke"),
    path("feed/<str:key>.atom", feeds.NotificationFeed(), name="private_feed"),
]
