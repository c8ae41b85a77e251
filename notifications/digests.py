"""The email digest: for each user who chose one, once it is due, one email
listing the notifications created since the last digest that are still
unread, each with its claim's id and address (``SITE_URL``), sent through
Django's mail (``EMAIL_BACKEND``, the console unless set).

Each digest is sent in one transaction that locks its row, reads its
notifications, sends the email and moves ``covered_until`` on: a run redone
(a redelivered message, two beats at once) finds it no longer due and sends
nothing. Delivery is at least once: a send that fails records nothing, so the
next run tries again; only a worker lost between the mail server taking the
email and the commit would send it twice. The transaction stays open while
the mail server answers (``EMAIL_TIMEOUT`` at most): on PostgreSQL it holds
only the digest's row; on SQLite, the zero-setup default with the console
backend, it holds the database's write lock for that while.
"""

import logging
import smtplib
import time
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from accounts.roles import is_member

from .models import EmailDigest, Notification

logger = logging.getLogger(__name__)

# A digest lists at most this many notifications, the newest; it counts the rest.
MAX_LISTED = 50
# Notifications are written inside the transactions of the changes they report
# (a batch of checks, a status change), so one may become visible a little
# after the moment it was stamped with. A digest covers notifications up to
# this long ago, so that none is committed behind a digest that covered its
# moment; the next digest lists those newer.
SETTLE = timedelta(minutes=2)


def send_due_digests(after_id: int = 0, *, now=None, seconds: float | None = None) -> tuple[int, int | None]:
    """Send the digests that are due, in the order of their ids after
    ``after_id``, for about ``seconds`` (all of them if ``None``). Returns how
    many emails went out and the id to go on after, or ``None`` once done.
    A digest whose email the mail server refused is left due for the next run."""
    now = now or timezone.now()
    started = time.monotonic()
    sent = 0
    while True:
        ids = list(
            EmailDigest.objects.due(now)
            .filter(pk__gt=after_id)
            .order_by("pk")
            .values_list("pk", flat=True)[: settings.NOTIFICATION_DIGEST_BATCH]
        )
        if not ids:
            return sent, None
        for digest_id in ids:
            try:
                sent += send_digest(digest_id, now=now)
            except (smtplib.SMTPException, OSError):
                logger.exception("The digest %s was not sent; the next run tries again.", digest_id)
            after_id = digest_id
            if seconds is not None and time.monotonic() - started >= seconds:
                return sent, after_id


def send_digest(digest_id: int, *, now) -> bool:
    """Send one digest if it is still due, and record it; ``True`` if an email went out."""
    cutoff = now - SETTLE
    with transaction.atomic():
        digest = (
            EmailDigest.objects.due(now)
            .select_for_update(of=("self",), skip_locked=True)
            .select_related("user")
            .filter(pk=digest_id)
            .first()
        )
        if digest is None:
            return False  # no longer due, or another run holds it
        unread = Notification.objects.filter(
            user=digest.user, created_at__gt=digest.covered_until, created_at__lte=cutoff
        ).unread()
        listed = list(unread.select_related("claim")[:MAX_LISTED]) if is_member(digest.user) else []
        if listed:
            total = unread.count() if len(listed) == MAX_LISTED else len(listed)
            _send(digest.user, listed, total)
            digest.last_sent_at = now
        digest.covered_until = cutoff
        digest.save(update_fields=["covered_until", "last_sent_at"])
    return bool(listed)


def _send(user, notifications: list[Notification], total: int) -> None:
    site = settings.SITE_URL
    context = {
        "user": user,
        "items": [(notification, site + notification.claim.get_absolute_url()) for notification in notifications],
        "more": total - len(notifications),
        "notifications_url": site + reverse("notifications:notification_list"),
    }
    subject = ngettext(
        "%(count)d unread notification on the claim tracker",
        "%(count)d unread notifications on the claim tracker",
        total,
    ) % {"count": total}
    body = render_to_string("notifications/email_digest.txt", context)
    send_mail(subject, body, None, [user.email], fail_silently=False)
