"""What the notifications app does when the claims and sources apps report
(``claims.signals``, ``sources.signals``), connected in
``NotificationsConfig.ready``: whoever submits a claim or moves it through
review watches it, and watchers hear of a verdict that changed, of a source that
changed or went away, and of a claim flagged for review (a contradiction, a
quote or figure that vanished from its page)."""

from django.dispatch import receiver
from django.utils.translation import gettext as _

from claims.choices import ClaimStatus, ReviewFlag
from claims.models import ClaimSource
from claims.signals import claim_flagged, claim_submitted, status_changed
from sources.signals import checks_finished

from .choices import NotificationKind
from .services import notify, watch


@receiver(claim_submitted, dispatch_uid="notifications.watch_submitted")
def watch_submitted(sender, claim, user, **kwargs):
    watch(user, claim=claim)


@receiver(status_changed, dispatch_uid="notifications.verdict_changed")
def verdict_changed(sender, claim, user, from_status, **kwargs):
    """Who reviews a claim watches it; a verdict published, superseded or
    taken back is news to the claim's other watchers."""
    watch(user, claim=claim)
    verdicts = ClaimStatus.verdicts()
    if from_status not in verdicts and claim.status not in verdicts:
        return
    message = _("Claim %(id)s: %(before)s → %(after)s") % {
        "id": claim.pk,
        "before": ClaimStatus(from_status).label,
        "after": ClaimStatus(claim.status).label,
    }
    notify([(claim, NotificationKind.VERDICT_CHANGED, message)], except_user_id=user.pk)


_FLAG_NOTIFICATIONS = {
    ReviewFlag.CONTRADICTION: NotificationKind.CONTRADICTION,
    ReviewFlag.VANISHED: NotificationKind.VANISHED,
}


@receiver(claim_flagged, dispatch_uid="notifications.claim_flagged")
def claim_flagged_for_review(sender, claim, user, kind, reason, **kwargs):
    message = _("Claim %(id)s: %(reason)s") % {"id": claim.pk, "reason": reason}
    notify([(claim, _FLAG_NOTIFICATIONS[kind], message)], except_user_id=user.pk if user else None)


@receiver(checks_finished, dispatch_uid="notifications.sources_changed")
def sources_changed(sender, checks, **kwargs):
    """Watchers of every claim with a live link to a page that changed or went away."""
    kinds = {}
    for check in checks:
        if check.content_changed:
            kinds[check.source_id] = NotificationKind.SOURCE_CHANGED
        elif check.went_away:
            kinds[check.source_id] = NotificationKind.SOURCE_GONE
    if not kinds:
        return
    links = ClaimSource.objects.filter(source_id__in=kinds, withdrawn_at__isnull=True).select_related("claim", "source")
    changes = []
    for link in links:
        kind = kinds[link.source_id]
        changed = (
            _("The page changed: %(url)s")
            if kind == NotificationKind.SOURCE_CHANGED
            else _("The page went away: %(url)s")
        )
        changes.append(
            (link.claim, kind, _("Claim %(id)s: ") % {"id": link.claim_id} + changed % {"url": link.source.url})
        )
    notify(changes)
