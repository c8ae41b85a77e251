"""Celery tasks of the notifications app: thin, by id, safe to run twice."""

from celery import shared_task
from django.conf import settings

from .digests import send_due_digests
from .models import Notification, WebhookDelivery, WebhookSubscription
from .webhooks import deliver

DELIVER_TASK = "notifications.deliver_webhook"
DIGEST_TASK = "notifications.send_email_digests"
# Attempts after the first, waiting 2, 4, 8, 16, 32 ... minutes (RETRY_BASE_SECONDS doubled).
MAX_RETRIES = 6
RETRY_BASE_SECONDS = 120


class DeliveryFailed(Exception):
    pass


def queue_webhooks(notification_ids: list[int]) -> None:
    """One delivery task for each active webhook of each notification's user."""
    pairs = Notification.objects.filter(pk__in=notification_ids, user__webhooks__active=True).values_list(
        "pk", "user__webhooks__pk"
    )
    for notification_id, subscription_id in pairs:
        deliver_webhook.delay(subscription_id, notification_id)


@shared_task(bind=True, name=DELIVER_TASK, max_retries=MAX_RETRIES)
def deliver_webhook(self, subscription_id: int, notification_id: int) -> None:
    """Post one notification to one webhook; a failure is recorded and
    retried with exponential backoff. Delivered once, it is not posted again."""
    if WebhookDelivery.objects.filter(
        subscription_id=subscription_id, notification_id=notification_id, succeeded=True
    ).exists():
        return
    subscription = WebhookSubscription.objects.filter(pk=subscription_id, active=True).first()
    notification = Notification.objects.select_related("claim").filter(pk=notification_id).first()
    if subscription is None or notification is None:
        return
    delivery = deliver(subscription, notification, attempt=self.request.retries + 1)
    if not delivery.succeeded:
        raise self.retry(exc=DeliveryFailed(delivery.error), countdown=RETRY_BASE_SECONDS * 2**self.request.retries)


@shared_task(name=DIGEST_TASK)
def send_email_digests(after_id: int = 0) -> int:
    """Beat's: send the email digests that are due, for about
    ``NOTIFICATION_DIGEST_TASK_SECONDS``, then queue the rest as another task;
    returns how many emails went out. Safe to run twice (``digests.py``)."""
    sent, cursor = send_due_digests(after_id, seconds=settings.NOTIFICATION_DIGEST_TASK_SECONDS)
    if cursor is not None:
        send_email_digests.delay(cursor)
    return sent
