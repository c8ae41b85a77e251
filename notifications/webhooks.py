"""Signed webhook posts. The body is the notification as JSON; the header
``X-Tracker-Signature: sha256=<hex>`` is the HMAC-SHA256 of those exact bytes
under the subscription's secret, so that a receiver can tell the post came
from us and was not altered. The post goes through ``sources.fetch.post``:
the address was typed in by a user, so the same rules keep it off our own
network."""

import hashlib
import hmac
import json

from sources.fetch import post

from .models import Notification, WebhookDelivery, WebhookSubscription

SIGNATURE_HEADER = "X-Tracker-Signature"


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def deliver(subscription: WebhookSubscription, notification: Notification, attempt: int) -> WebhookDelivery:
    """Post ``notification`` to ``subscription`` once and record how it went."""
    body = json.dumps(notification.as_payload(), ensure_ascii=False, sort_keys=True).encode()
    headers = {"Content-Type": "application/json", SIGNATURE_HEADER: signature(subscription.secret, body)}
    result = post(subscription.url, body, headers)
    return WebhookDelivery.objects.create(
        subscription=subscription,
        notification=notification,
        attempt=attempt,
        http_status=result.http_status,
        succeeded=result.ok,
        error=result.error,
    )
