"""What intelligence does when the apps below it report: a finished batch of
checks asks for its pages to be regrouped and their claims regraded
(``tasks.regroup_sources``, once the batch commits, so that grouping never
holds up checks); a claim whose sources or evidence
changed is regraded (``grading``); a claim that changed has its
contradiction flags brought up to date (``flags``).

Connected in ``IntelligenceConfig.ready``; both signals come inside the
transaction that made the change, so a claim's grade commits with it.
"""

from django.dispatch import receiver

from claims.signals import claim_changed
from sources.models import SourceCheck
from sources.signals import checks_finished

from .flags import recompute_flags
from .grading import grade_claims
from .tasks import queue_regrouping


@receiver(checks_finished, dispatch_uid="intelligence.regroup_and_regrade")
def regroup_and_regrade(sender, checks: list[SourceCheck], **kwargs) -> None:
    queue_regrouping({check.source_id for check in checks})


@receiver(claim_changed, dispatch_uid="intelligence.regrade_claim")
def regrade_claim(sender, claim_ids, **kwargs) -> None:
    grade_claims(claim_ids)


@receiver(claim_changed, dispatch_uid="intelligence.recompute_flags")
def recompute_contradiction_flags(sender, claim_ids, user, **kwargs) -> None:
    for claim_id in claim_ids:
        recompute_flags(claim_id, user)
