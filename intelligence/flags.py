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

from collections import defaultdict

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


def _rivals(claims: list[Claim]):
    """The claims of the events of ``claims`` that could conflict with one
    of them: those with a figure of one of its categories and populations,
    or a presence of one of its forces, in its event. Reading only these
    keeps an import of many claims into one event from reading the whole
    event again and again."""
    rivals = Q(pk__in=[])
    for claim in claims:
        kinds = Q(pk__in=[])
        for category, population in {(f.category, f.population) for f in claim.casualty_figures.all()}:
            kinds |= Q(casualty_figures__category=category, casualty_figures__population=population)
        forces = {presence.force_id for presence in claim.troop_presences.all()}
        if forces:
            kinds |= Q(troop_presences__force_id__in=forces)
        rivals |= Q(kinds, event_id=claim.event_id)
    return Claim.objects.filter(pk__in=Claim.objects.filter(rivals).values("pk"))


def log_on_both_claims(flag: ContradictionFlag, user, action: str, note: str = "") -> None:
    reason = str(flag.reason)
    for claim, other in ((flag.first_claim, flag.second_claim_id), (flag.second_claim, flag.first_claim_id)):
        record_contradiction(claim, user, action, other_claim_id=other, reason=reason, note=note)


def recompute_flags(claim_ids, user) -> set[int]:
    """Bring the flags of the claims ``claim_ids`` up to date with what they
    now say, one claim after another, as if each had changed alone (a flag
    one claim opens is one the next finds); returns the ids of the claims a
    flag was opened or resolved on (their grades count open flags,
    ``grading``). The claims, their rivals and their flags are read once for
    all of them: an import tells of its claims by the transaction."""
    claims = {claim.pk: claim for claim in _with_details(Claim.objects.filter(pk__in=claim_ids))}
    rivals = list(_with_details(_rivals([claim for claim in claims.values() if comparable(claim)])))
    flags = _Flags(
        ContradictionFlag.objects.select_for_update()
        .filter(Q(first_claim__in=claims) | Q(second_claim__in=claims))
        .select_related("first_claim", "second_claim")
    )
    touched = set()
    for claim_id in dict.fromkeys(claim_ids):
        if claim_id in claims:
            touched |= _recompute(claims[claim_id], rivals, flags, user)
    return touched


class _Flags:
    """The flags of the claims being recomputed, by identity (first claim,
    second claim, key), kept up to date as they are opened."""

    def __init__(self, flags):
        self._of_claim = defaultdict(dict)  # claim id: {identity: flag}, the flags it is one of the two claims of
        for flag in flags:
            self.add((flag.first_claim_id, flag.second_claim_id, flag.key), flag)

    def of(self, claim: Claim) -> dict:
        return dict(self._of_claim[claim.pk])

    def add(self, identity, flag: ContradictionFlag) -> None:
        for claim_id in identity[:2]:
            self._of_claim[claim_id][identity] = flag


def _recompute(claim: Claim, rivals: list[Claim], flags: _Flags, user) -> set[int]:
    found = {}
    for other in rivals:
        first, second = sorted((claim, other), key=lambda row: row.pk)
        for conflict in conflicts_between(first, second):
            found[(first.pk, second.pk, conflict.key)] = (first, second, conflict)
    existing = flags.of(claim)
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
            flags.add(identity, flag)
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
