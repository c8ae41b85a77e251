"""What intelligence does when the apps below it report: a finished batch of
checks refreshes the fingerprints of the pages that read a new text
(``grouping``) and regrades the claims those pages, or pages whose group of
copies may have moved with them, carry; a claim whose sources or evidence
changed is regraded (``grading``); a claim that changed has its
contradiction flags brought up to date (``flags``).

Connected in ``IntelligenceConfig.ready``; both signals come inside the
transaction that made the change, so a grade commits with what it grades.
"""

from django.dispatch import receiver

from claims.models import ClaimSource, Evidence
from claims.signals import claim_changed
from sources.models import SourceCheck
from sources.signals import checks_finished

from .flags import recompute_flags
from .grading import grade_claims
from .grouping import refresh_fingerprints


@receiver(checks_finished, dispatch_uid="intelligence.regroup_and_regrade")
def regroup_and_regrade(sender, checks: list[SourceCheck], **kwargs) -> None:
    sources = {check.source_id for check in checks} | refresh_fingerprints(checks)
    live = {"source_id__in": sources, "withdrawn_at__isnull": True}
    carried = ClaimSource.objects.filter(**live).values_list("claim_id", flat=True)
    cited = Evidence.objects.filter(**live).values_list("claim_id", flat=True)
    grade_claims({*carried, *cited})


@receiver(claim_changed, dispatch_uid="intelligence.regrade_claim")
def regrade_claim(sender, claim_ids, **kwargs) -> None:
    grade_claims(claim_ids)


@receiver(claim_changed, dispatch_uid="intelligence.recompute_flags")
def recompute_contradiction_flags(sender, claim_ids, user, **kwargs) -> None:
    for claim_id in claim_ids:
        recompute_flags(claim_id, user)
