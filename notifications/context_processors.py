"""The count of unread notifications in every page's header: one query per
page, whatever the page shows, and none for visitors."""

from .models import Notification


def unread_notifications(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": Notification.objects.filter(user=user).unread().count()}
