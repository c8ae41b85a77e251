"""Who watches what, what they were told, and where else it is sent.

A reviewer watches a claim or an event (``Watch``); a change to a watched
claim, or to a claim of a watched event, leaves each watcher a
``Notification``, read on their notifications page and in their private Atom
feed (``FeedToken``), posted, signed, to each of their webhooks
(``WebhookSubscription``), every attempt recorded (``WebhookDelivery``), and,
for those who chose it, listed in an email digest of what is still unread
(``EmailDigest``).
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from claims.models import Claim, Event

from .choices import DigestFrequency, NotificationKind


def new_secret() -> str:
    return secrets.token_urlsafe(32)


class Watch(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="watches")
    claim = models.ForeignKey(Claim, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("watch")
        verbose_name_plural = _("watches")
        constraints = [
            models.CheckConstraint(
                condition=Q(claim__isnull=True, event__isnull=False) | Q(claim__isnull=False, event__isnull=True),
                name="watch_claim_or_event",
            ),
            models.UniqueConstraint(fields=["user", "claim"], name="watch_claim_once"),
            models.UniqueConstraint(fields=["user", "event"], name="watch_event_once"),
        ]

    def __str__(self):
        return f"{self.user} → {self.claim or self.event}"


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=24, choices=NotificationKind.choices)
    message = models.TextField(_("message"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self):
        return self.message

    def as_payload(self) -> dict:
        """What a webhook receives: the notification, never more of the claim than its id and address."""
        return {
            "id": self.pk,
            "kind": self.kind,
            "message": self.message,
            "claim": {"id": self.claim_id, "url": self.claim.get_absolute_url()},
            "created_at": self.created_at.isoformat(),
        }


class WebhookSubscription(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(_("address"), max_length=2000)
    secret = models.CharField(_("secret"), max_length=64, default=new_secret, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")

    def __str__(self):
        return self.url


class WebhookDelivery(models.Model):
    """One attempt to post one notification to one webhook."""

    subscription = models.ForeignKey(WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries")
    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="+")
    attempt = models.PositiveSmallIntegerField(_("attempt"))
    http_status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    succeeded = models.BooleanField(_("succeeded"))
    error = models.TextField(_("error"), blank=True)
    attempted_at = models.DateTimeField(_("attempted at"), auto_now_add=True)

    class Meta:
        ordering = ["attempted_at", "id"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")

    def __str__(self):
        return f"{self.subscription} #{self.attempt}: {self.http_status or self.error}"


class FeedToken(models.Model):
    """The key in the address of a user's private notification feed; revoked, it opens nothing."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(_("key"), max_length=64, unique=True, default=new_secret, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("feed token")
        verbose_name_plural = _("feed tokens")

    def __str__(self):
        return f"{self.user} ({self.created_at:%Y-%m-%d})"


# How often each kind of digest is sent.
DIGEST_PERIODS = {DigestFrequency.DAILY: timedelta(days=1)}


class EmailDigestQuerySet(models.QuerySet):
    def due(self, now):
        """The digests whose period has passed since the notifications they last
        covered, of active users with an email address."""
        due = Q()
        for frequency, period in DIGEST_PERIODS.items():
            due |= Q(frequency=frequency, covered_until__lte=now - period)
        return self.filter(due, user__is_active=True).exclude(user__email="")


class EmailDigest(models.Model):
    """A user's choice of an email digest (none unless they ask), and how far
    the digests have gone: every notification created up to ``covered_until``
    has been considered, so the next digest lists only those after it."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_digest")
    frequency = models.CharField(
        _("email digest"), max_length=8, choices=DigestFrequency.choices, default=DigestFrequency.NONE
    )
    covered_until = models.DateTimeField(_("covered until"), null=True, blank=True)
    last_sent_at = models.DateTimeField(_("last sent at"), null=True, blank=True)

    objects = EmailDigestQuerySet.as_manager()

    class Meta:
        verbose_name = _("email digest")
        verbose_name_plural = _("email digests")
        constraints = [
            models.CheckConstraint(
                condition=Q(frequency=DigestFrequency.NONE) | Q(covered_until__isnull=False),
                name="email_digest_covers_from_a_moment",
            ),
        ]

    def __str__(self):
        return f"{self.user}: {self.get_frequency_display()}"
