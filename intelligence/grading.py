"""A claim's evidence grade (``claims.models.ClaimGrade``): how well it is
sourced, beside the reviewer's verdict and never setting it.

Counted over the claim's live source links whose page is still there:

- Sources carrying the same report count once: one group of copies
  (``grouping``), or the same wire agency named as origin (``via_agency`` or
  the credit in the text).
- A source published by an outlet of the claimant's own party (an outlet is
  an actor's own, ``Actor.outlets``; a party is an actor with the actors
  that are part of it, ``Actor.affiliation``, up to the top) is an interested
  party: named as who said it, never counted as corroboration.
- The party concerned, which the claim is against, is not recorded on a
  claim, so it is read from what is: the other sides of its event (the
  parties of the other claims about the same event) and the forces named in
  its troop presences, other than the claimant's own party. When a page of
  such a party's own outlet carries the claim, or is given as supporting
  evidence, that party admits it. A third party's outlet (a neutral state
  agency reporting the claim) admits nothing: it is one more source.

The grades, the first that applies:

1. discounted: no source is left (every one went away or was withdrawn);
2. contested: refuting evidence stands against it (the parties whose own
   outlets refute it are named), or an open contradiction flag (``flags``)
   sets another claim against it (its claimant and number are named);
3. confirmed by the party concerned: see above;
4. corroborated: two or more independent reports from sources of
   reliability A to C (a source's own rating, else its outlet's:
   ``Source.rated_reliability``);
5. single source: anything else.

Graded when a check of one of its sources finishes, when the outlet of one
of its sources is rated, when a write changes
its claimant, sources or evidence (``claims.signals.claim_changed``), when
a contradiction flag on it opens, closes or is explained, never when a
page is read.
"""

from dataclasses import dataclass, field

from django.db.models import Prefetch, Q
from django.utils import timezone

from claims.choices import EvidenceGrade, Stance
from claims.models import Actor, Claim, ClaimGrade, ClaimSource, Evidence
from sources.choices import Reliability, SourceHealth

from .grouping import agency_of
from .models import ContradictionFlag, FlagStatus

CREDIBLE = {Reliability.A, Reliability.B, Reliability.C}
GRADE_FIELDS = [*ClaimGrade.FACTS, "computed_at"]


@dataclass
class Carrier:
    """A page that carries the claim, as grading sees it."""

    source_id: int
    label: str
    reliability: str = Reliability.F
    gone: bool = False
    group: int = 0
    agency: str = ""
    # The top parties whose own outlet published it, with the name of the
    # actor that owns the outlet ({top party id: actor name}).
    parties: dict[int, str] = field(default_factory=dict)


def assess(
    claimant_party: int | None, carriers: list[Carrier], supporting, refuting, concerned: set[int], rivals=()
) -> dict:
    """The grade of a claim and its reasons, from its claimant's top party,
    the pages carrying it, its supporting and refuting evidence (``Carrier``
    lists), the parties it concerns and the claims an open contradiction
    flag sets against it (``rivals``, named). Pure."""
    standing = [c for c in carriers if not c.gone]
    interested = [c for c in standing if claimant_party is not None and claimant_party in c.parties]
    reports = _independent_reports([c for c in standing if c not in interested])
    admitted_by = _names(
        name for c in [*standing, *supporting] for party, name in c.parties.items() if party in concerned
    )
    contradicted_by = _names(name for c in refuting for party, name in c.parties.items() if party != claimant_party)
    contradicted_by += _names(rivals)
    credible = sum(1 for report in reports if any(c.reliability in CREDIBLE for c in report))
    if not standing:
        grade = EvidenceGrade.DISCOUNTED
    elif refuting or rivals:
        grade = EvidenceGrade.CONTESTED
    elif admitted_by:
        grade = EvidenceGrade.CONFIRMED
    elif credible >= 2:
        grade = EvidenceGrade.CORROBORATED
    else:
        grade = EvidenceGrade.SINGLE_SOURCE
    return {
        "grade": grade,
        "sources": len(standing),
        "gone": len(carriers) - len(standing),
        "independent": [_report_name(report) for report in reports],
        "credible": credible,
        "interested": _names(c.parties[claimant_party] for c in interested),
        "admitted_by": admitted_by,
        "refuting": len(refuting),
        "contradicted_by": contradicted_by,
    }


def _independent_reports(carriers: list[Carrier]) -> list[list[Carrier]]:
    """``carriers`` in reports: those of one group of copies or crediting
    the same agency are one report."""
    reports: list[list[Carrier]] = []
    for carrier in carriers:
        joined = [r for r in reports if any(_same_report(carrier, other) for other in r)]
        merged = [carrier, *(c for r in joined for c in r)]
        reports = [r for r in reports if r not in joined] + [merged]
    return sorted(reports, key=lambda report: min(c.source_id for c in report))


def _same_report(a: Carrier, b: Carrier) -> bool:
    return a.group == b.group or bool(a.agency and a.agency == b.agency)


def _report_name(report: list[Carrier]) -> str:
    agencies = sorted({c.agency for c in report if c.agency})
    return agencies[0] if agencies else min(report, key=lambda c: c.source_id).label


def _names(names) -> list[str]:
    return sorted(set(names))


def grade_claims(claim_ids) -> None:
    """Grade the claims of ``claim_ids`` and store their grades, in a
    constant number of queries however many claims."""
    claims = list(
        Claim.objects.filter(pk__in=list(claim_ids))
        .select_related("claimant")
        .prefetch_related(
            Prefetch(
                "source_links",
                ClaimSource.objects.filter(withdrawn_at__isnull=True).select_related(
                    "source__outlet", "source__via_agency", "source__fingerprint"
                ),
                to_attr="live_links",
            ),
            Prefetch(
                "evidence",
                Evidence.objects.filter(
                    withdrawn_at__isnull=True, stance__in=[Stance.SUPPORTS, Stance.REFUTES]
                ).select_related("source__outlet", "source__via_agency", "source__fingerprint"),
                to_attr="live_evidence",
            ),
            "troop_presences",
        )
    )
    if not claims:
        return
    outlets = {
        link.source.outlet_id for claim in claims for link in [*claim.live_links, *claim.live_evidence] if link.source
    }
    owners = list(Actor.outlets.through.objects.filter(outlet_id__in=outlets).values_list("outlet_id", "actor_id"))
    sides = _event_sides(claims)
    actor_ids = {actor for _outlet, actor in owners} | {c.claimant_id for c in claims if c.claimant_id}
    actor_ids |= {p.force_id for c in claims for p in c.troop_presences.all()} | {a for s in sides.values() for a in s}
    party_of, names = _top_parties(actor_ids)
    parties_of_outlet: dict[int, dict[int, str]] = {}
    for outlet_id, actor_id in owners:
        parties_of_outlet.setdefault(outlet_id, {})[party_of[actor_id]] = names[actor_id]

    rivals = _rivals_by_open_flags(claim.pk for claim in claims)
    grades, now = [], timezone.now()
    for claim in claims:
        claimant_party = party_of.get(claim.claimant_id)
        concerned = {party_of[a] for a in sides.get(claim.event_id, set())}
        concerned |= {party_of[p.force_id] for p in claim.troop_presences.all()}
        concerned.discard(claimant_party)
        carriers = [_carrier(link.source, parties_of_outlet) for link in claim.live_links]
        evidence = [e for e in claim.live_evidence if e.source_id]
        supporting = [_carrier(e.source, parties_of_outlet) for e in evidence if e.stance == Stance.SUPPORTS]
        refuting = [_carrier(e.source, parties_of_outlet) for e in claim.live_evidence if e.stance == Stance.REFUTES]
        facts = assess(claimant_party, carriers, supporting, refuting, concerned, rivals.get(claim.pk, ()))
        grades.append(ClaimGrade(claim=claim, computed_at=now, **facts))
    ClaimGrade.objects.bulk_create(grades, update_conflicts=True, unique_fields=["claim"], update_fields=GRADE_FIELDS)


def _carrier(source, parties_of_outlet) -> Carrier:
    if source is None:
        return Carrier(source_id=0, label="")
    fingerprint = getattr(source, "fingerprint", None)
    return Carrier(
        source_id=source.pk,
        label=source.outlet.name if source.outlet_id else source.title or source.url,
        reliability=source.rated_reliability,
        gone=source.health == SourceHealth.GONE,
        group=fingerprint.group if fingerprint else source.pk,
        agency=agency_of(source),
        parties=parties_of_outlet.get(source.outlet_id, {}),
    )


def _rivals_by_open_flags(claim_ids) -> dict[int, list[str]]:
    """For each claim, the claims an open contradiction flag sets against
    it, named "Local officials (#12)"."""
    claim_ids = list(claim_ids)
    flags = ContradictionFlag.objects.filter(
        Q(first_claim__in=claim_ids) | Q(second_claim__in=claim_ids), status=FlagStatus.OPEN
    ).values_list("first_claim", "first_claim__claimant__name", "second_claim", "second_claim__claimant__name")
    rivals: dict[int, list[str]] = {}
    for first, first_party, second, second_party in flags:
        rivals.setdefault(first, []).append(_rival_name(second, second_party))
        rivals.setdefault(second, []).append(_rival_name(first, first_party))
    return rivals


def _rival_name(claim_id: int, party: str | None) -> str:
    # Stored with the grade and shown in any language: a name and a number, no words.
    return f"{party} (#{claim_id})" if party else f"#{claim_id}"


def _event_sides(claims) -> dict[int, set[int]]:
    """The claimants of every claim about each of ``claims``' events."""
    events = {claim.event_id for claim in claims if claim.event_id}
    sides: dict[int, set[int]] = {}
    rows = Claim.objects.filter(event_id__in=events, claimant__isnull=False).values_list("event_id", "claimant_id")
    for event_id, claimant_id in rows.distinct():
        sides.setdefault(event_id, set()).add(claimant_id)
    return sides


def _top_parties(actor_ids: set[int]) -> tuple[dict[int, int], dict[int, str]]:
    """Each actor's top party (following ``affiliation`` up; a loop stops
    where it closes) and each actor's name, one query per level."""
    parent, names = {}, {}
    wanted = set(actor_ids)
    while wanted:
        for pk, affiliation, name in Actor.objects.filter(pk__in=wanted).values_list("pk", "affiliation_id", "name"):
            parent[pk], names[pk] = affiliation, name
        wanted = {a for a in parent.values() if a is not None and a not in parent}
    top = {}
    for actor in parent:
        seen, current = {actor}, actor
        while parent.get(current) is not None and parent[current] not in seen:
            current = parent[current]
            seen.add(current)
        top[actor] = current
    return top, names
