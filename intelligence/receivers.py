"""What intelligence does when the apps below it report: a finished batch of
checks asks for its pages to be regrouped and their claims regraded
(``tasks.regroup_sources``, once the batch commits, so that grouping never
holds up checks); a claim whose sources or evidence
changed is regraded (``grading``), and so are the claims citing an outlet
whose rating changed; a claim whose statement changed has its
contradiction flags brought up to date (``flags``), and the claims a flag
opened or closed on are regraded; and the retention of the
check history keeps the pages as they were when a flag was raised or explained.

Connected in ``IntelligenceConfig.ready``; both signals come inside the
transaction that made the change, so a claim's grade commits with it.
"""

from django.db.models import Q
from django.dispatch import receiver

from claims.models import ClaimSource
from claims.signals import claim_changed
from sources.models import Outlet, SourceCheck
from sources.signals import HistoryPins, checks_finished, history_pins, outlet_rated

from .flags import recompute_flags
from .grading import grade_claims
from .models import ContradictionFlag
from .tasks import queue_regrouping


@receiver(checks_finished, dispatch_uid="intelligence.regroup_and_regrade")
def regroup_and_regrade(sender, checks: list[SourceCheck], **kwargs) -> None:
    queue_regrouping({check.source_id for check in checks})


@receiver(outlet_rated, dispatch_uid="intelligence.regrade_outlet_claims")
def regrade_outlet_claims(sender, outlet: Outlet, **kwargs) -> None:
    """An outlet's rating is the rating of its sources not rated on their
    own: the claims citing any of its sources are regraded, in the
    background once the rating commits, as after a batch of checks (a big
    outlet is cited by many claims, and the editor rating it need not wait)."""
    queue_regrouping(outlet.sources.values_list("pk", flat=True))


@receiver(claim_changed, dispatch_uid="intelligence.regrade_claim")
def regrade_claim(sender, claim_ids, **kwargs) -> None:
    grade_claims(claim_ids)


@receiver(claim_changed, dispatch_uid="intelligence.recompute_flags")
def recompute_contradiction_flags(sender, claim_ids, user, statement_changed, **kwargs) -> None:
    if not statement_changed:
        return
    grade_claims(recompute_flags(claim_ids, user))  # an open flag contests a claim


@receiver(history_pins, dispatch_uid="intelligence.history_pins")
def flags_rest_on(sender, source_ids, **kwargs) -> HistoryPins:
    """The page, of each source a flagged claim cites, as it was when its
    contradiction flag was raised, and when it was explained."""
    sources_of = {}
    for source_id, claim_id in ClaimSource.objects.filter(source_id__in=source_ids).values_list("source", "claim"):
        sources_of.setdefault(claim_id, []).append(source_id)
    flags = ContradictionFlag.objects.filter(Q(first_claim__in=sources_of) | Q(second_claim__in=sources_of))
    moments = []
    rows = flags.values_list("first_claim", "second_claim", "created_at", "explained_at")
    for first, second, raised, explained in rows:
        for source_id in sources_of.get(first, []) + sources_of.get(second, []):
            moments += [(source_id, moment) for moment in (raised, explained) if moment]
    return HistoryPins(moments=moments)
