"""Celery tasks of the intelligence app: thin, by id, safe to run twice.

Grouping copies and regrading claims after a batch of checks is done here,
on the notifications queue, once the batch has committed: in the batch's
own transaction it held every check of the batch until the grouping of
similar pages was done, and batches overran their time limit.
"""

from celery import shared_task
from django.db import transaction
from django.db.models import OuterRef, Subquery

from claims.models import ClaimSource, Evidence
from sources.models import SourceCheck

from .grading import grade_claims
from .grouping import refresh_fingerprints

REGROUP_TASK = "intelligence.regroup_sources"
# Sources per task, so that one task's grouping stays well within a time limit.
REGROUP_BATCH = 200


def queue_regrouping(source_ids) -> None:
    """Ask, once the current transaction commits, for ``source_ids`` to be
    regrouped and their claims regraded, ``REGROUP_BATCH`` sources a task."""
    ids = sorted(source_ids)
    for start in range(0, len(ids), REGROUP_BATCH):
        chunk = ids[start : start + REGROUP_BATCH]
        transaction.on_commit(lambda chunk=chunk: regroup_sources.delay(chunk))


@shared_task(name=REGROUP_TASK)
def regroup_sources(source_ids: list[int]) -> None:
    """Fingerprint the sources whose last check read a new text, regroup
    them with the sources their new texts may copy (the LSH index, not
    every pair), and regrade the claims that carry or cite any source
    involved. A second run finds the fingerprints current and regrades to
    the same grades."""
    with transaction.atomic():
        finished = SourceCheck.objects.filter(finished_at__isnull=False)
        last = finished.filter(source=OuterRef("source")).order_by("-started_at").values("pk")[:1]
        latest = list(finished.filter(source_id__in=source_ids, pk=Subquery(last)))
        sources = set(source_ids) | refresh_fingerprints(latest)
        live = {"source_id__in": sources, "withdrawn_at__isnull": True}
        carried = ClaimSource.objects.filter(**live).values_list("claim_id", flat=True)
        cited = Evidence.objects.filter(**live).values_list("claim_id", flat=True)
        grade_claims({*carried, *cited})
