"""Keeping the contradiction flags true to the claims: called, in the claim's
write transaction, whenever a claim changes (``intelligence.receivers``).

Each change compares the claim with every other claim of its event
(``contradictions.conflicts_between``). A conflict with no flag gets one,
open; a flag whose conflict is gone (an edit corrected a figure, moved the
claim to another event, withdrew it) is marked resolved, not deleted, so its
history stays; a resolved flag whose conflict comes back opens again. An
explained flag stays explained while its conflict lasts. Every such step is
written to both claims' logs through ``claims.services.record_contradiction``.
"""

from django.db.models import Prefetch, Q

from claims.choices import LogAction
from claims.models import Claim, TroopPresence
from claims.services import record_contradiction

from .contradictions import comparable, conflicts_between
from .models import ContradictionFlag, FlagStatus


def _with_details(queryset):
    return queryset.prefetch_related(
        "casualty_figures",
        Prefetch("troop_presences", TroopPresence.objects.select_related("force", "place__parent__parent")),
    )


def _rivals(claim: Claim):
    """The other claims of ``claim``'s event that could conflict with it:
    those with a figure of one of its categories and populations, or a
    presence of one of its forces. Reading only these keeps an import of
    many claims into one event from reading the whole event per claim."""
    figures = Q()
    for category, population in {(f.category, f.population) for f in claim.casualty_figures.all()}:
        figures |= Q(casualty_figures__category=category, casualty_figures__population=population)
    forces = {presence.force_id for presence in claim.troop_presences.all()}
    rivals = Q(troop_presences__force_id__in=forces) if forces else Q(pk__in=[])
    if figures:
        rivals |= figures
    candidates = Claim.objects.filter(rivals).filter(event_id=claim.event_id).exclude(pk=claim.pk)
    return Claim.objects.filter(pk__in=candidates.values("pk"))


def log_on_both_claims(flag: ContradictionFlag, user, action: str, note: str = "") -> None:
    reason = str(flag.reason)
    for claim, other in ((flag.first_claim, flag.second_claim_id), (flag.second_claim, flag.first_claim_id)):
        record_contradiction(claim, user, action, other_claim_id=other, reason=reason, note=note)


def recompute_flags(claim_id: int, user) -> set[int]:
    """Bring the flags of claim ``claim_id`` up to date with what it now says;
    returns the ids of the claims a flag was opened or resolved on (their
    grades count open flags, ``grading``)."""
    claim = _with_details(Claim.objects.filter(pk=claim_id)).get()
    found = {}
    if comparable(claim):
        others = _with_details(_rivals(claim))
        for other in others:
            first, second = sorted((claim, other), key=lambda row: row.pk)
            for conflict in conflicts_between(first, second):
                found[(first.pk, second.pk, conflict.key)] = (first, second, conflict)
    existing = {
        (flag.first_claim_id, flag.second_claim_id, flag.key): flag
        for flag in ContradictionFlag.objects.select_for_update()
        .filter(Q(first_claim=claim) | Q(second_claim=claim))
        .select_related("first_claim", "second_claim")
    }
    touched = set()
    for identity, flag in existing.items():
        if identity not in found and flag.status != FlagStatus.RESOLVED:
            flag.status = FlagStatus.RESOLVED
            flag.save(update_fields=["status", "updated_at"])
            log_on_both_claims(flag, user, LogAction.CONTRADICTION_RESOLVED)
            touched.update(identity[:2])
    for identity, (first, second, conflict) in found.items():
        flag = existing.get(identity)
        if flag is None:
            flag = ContradictionFlag.objects.create(
                event_id=claim.event_id,
                first_claim=first,
                second_claim=second,
                kind=conflict.kind,
                key=conflict.key,
                details=conflict.details,
            )
            log_on_both_claims(flag, user, LogAction.CONTRADICTION_FLAGGED)
            touched.update(identity[:2])
        elif flag.status == FlagStatus.RESOLVED:
            flag.status, flag.details, flag.event_id = FlagStatus.OPEN, conflict.details, claim.event_id
            flag.save(update_fields=["status", "details", "event", "updated_at"])
            log_on_both_claims(flag, user, LogAction.CONTRADICTION_FLAGGED)
            touched.update(identity[:2])
        elif flag.details != conflict.details:
            flag.details = conflict.details
            flag.save(update_fields=["details", "updated_at"])
    return touched
