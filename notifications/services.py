"""The notifications app's writes: watching, notifying, reading, webhooks, feed tokens and the email digest."""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .choices import DigestFrequency
from .models import EmailDigest, FeedToken, Notification, Watch, WebhookSubscription
from .tasks import queue_webhooks


def watch(user, *, claim=None, event=None) -> Watch:
    """``user`` watches ``claim`` or ``event`` (again: nothing changes)."""
    found, _created = Watch.objects.get_or_create(user=user, claim=claim, event=event)
    return found


def unwatch(user, *, claim=None, event=None) -> None:
    Watch.objects.filter(user=user, claim=claim, event=event).delete()


def watchers(claims) -> dict[int, set[int]]:
    """The ids of who watches each of ``claims``, directly or through its event; one query."""
    by_event = {}
    for claim in claims:
        by_event.setdefault(claim.event_id, set()).add(claim.pk)
    found = {claim.pk: set() for claim in claims}
    rows = Watch.objects.filter(Q(claim__in=list(found)) | Q(event__in=[e for e in by_event if e is not None]))
    for user_id, claim_id, event_id in rows.values_list("user_id", "claim_id", "event_id"):
        for watched in [claim_id] if claim_id else by_event.get(event_id, ()):
            found[watched].add(user_id)
    return found


def notify(changes, *, except_user_id=None) -> list[Notification]:
    """Leave a notification for every watcher of each change, a ``(claim,
    kind, message)``, but not for whoever made it; their webhooks are posted
    to once the transaction commits."""
    changes = list(changes)
    watching = watchers([claim for claim, _kind, _message in changes])
    notifications = Notification.objects.bulk_create(
        Notification(user_id=user_id, claim=claim, kind=kind, message=message)
        for claim, kind, message in changes
        for user_id in sorted(watching[claim.pk])
        if user_id != except_user_id
    )
    if notifications:
        ids = [notification.pk for notification in notifications]
        transaction.on_commit(lambda: queue_webhooks(ids))
    return notifications


def mark_all_read(user) -> int:
    return Notification.objects.filter(user=user).unread().update(read_at=timezone.now())


def add_webhook(user, url: str) -> WebhookSubscription:
    return WebhookSubscription.objects.create(user=user, url=url)


def new_feed_token(user) -> FeedToken:
    """A fresh key for ``user``'s private feed; earlier keys are revoked."""
    with transaction.atomic():
        revoke_feed_tokens(user)
        return FeedToken.objects.create(user=user)


def revoke_feed_tokens(user) -> int:
    return FeedToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())


def choose_digest(user, frequency: DigestFrequency) -> EmailDigest:
    """``user``'s choice of email digest. One switched on covers what comes
    from now on, not what was unread before; choosing again what was chosen
    changes nothing."""
    with transaction.atomic():
        digest, _created = EmailDigest.objects.select_for_update().get_or_create(user=user)
        if digest.frequency == frequency:
            return digest
        if digest.frequency == DigestFrequency.NONE:
            digest.covered_until = timezone.now()
        digest.frequency = frequency
        digest.save(update_fields=["frequency", "covered_until"])
        return digest
