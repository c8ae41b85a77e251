"""Pointing out claims that say nearly the same thing as a new one, so a
reviewer links to the existing claim instead of filing it twice.

Similarity is the overlap (Jaccard index) of the search tokens of the two
texts, the same CJK-bigram tokens search uses, so it works across Chinese
and English alike. Candidates are the claims sharing any token
(``claims.search.claims_sharing_tokens``); only the best few are compared
in Python.

Across languages the words differ, so ``same_facts`` compares what a claim
states in structure instead: who, where, when and which figures or troop
presences. ``services.submit_claim`` asks it when the caller wants
duplicates pointed out (the submit page, the API and the import), and
refuses the claim until the caller confirms it is a different one.
"""

import math

from django.db.models import Q
from django.utils.translation import gettext as _

from .choices import BoundQualifier, ClaimStatus
from .models import Claim
from .search import claims_sharing_tokens, tokenize

SIMILARITY_THRESHOLD = 0.6
_CANDIDATES = 200


def similarity(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def similar_claims(text: str, *, exclude_pk=None, limit: int = 5) -> list[tuple[Claim, float]]:
    """Existing claims whose text or translation closely matches ``text``,
    most similar first, with their similarity (0 to 1)."""
    tokens = set(tokenize(text))
    candidates = Claim.objects.exclude(pk=exclude_pk).only("pk", "text", "translation", "search_tokens", "status")
    scored = []
    for claim in claims_sharing_tokens(candidates, tokens, limit=_CANDIDATES):
        score = max(similarity(tokens, set(tokenize(claim.text))), similarity(tokens, set(tokenize(claim.translation))))
        if score >= SIMILARITY_THRESHOLD:
            scored.append((claim, score))
    scored.sort(key=lambda pair: -pair[1])
    return scored[:limit]


# Two dates this many days apart or fewer are taken for the same day: outlets
# date a report by when they heard it, a day or two after the claimant spoke.
CLOSE_DAYS = 2


def _bounds(figure) -> tuple[float, float]:
    """The range of numbers a figure allows, as ``reconciliation`` reads them."""
    low = figure.low if figure.low is not None else 0
    if figure.high is not None:
        return low, figure.high
    return (low, math.inf) if figure.qualifier == BoundQualifier.AT_LEAST else (low, low)


def _figures_agree(ours, theirs) -> list[str]:
    """The categories in which every figure of ``ours`` overlaps one of
    ``theirs`` of the same category and population; empty unless all do."""
    agreeing = []
    for figure in ours:
        low, high = _bounds(figure)
        if not any(
            other.category == figure.category
            and other.population == figure.population
            and _bounds(other)[0] <= high
            and low <= _bounds(other)[1]
            for other in theirs
        ):
            return []
        agreeing.append(figure.get_category_display())
    return agreeing


def _presences_agree(ours, theirs) -> bool:
    facts = {(p.force_id, p.place_id, p.presence) for p in theirs}
    return bool(ours) and all((p.force_id, p.place_id, p.presence) in facts for p in ours)


def _close(ours, theirs) -> bool:
    """Whether the two claims' dates are close, those either lacks aside."""
    for name in ("occurred_on", "stated_on"):
        mine, other = getattr(ours, name), getattr(theirs, name)
        if mine and other and abs((mine - other).days) > CLOSE_DAYS:
            return False
    return True


def same_facts(claim: Claim, *, limit: int = 5) -> list[tuple[Claim, str]]:
    """Existing claims that state what the saved ``claim`` states, whatever
    the language: the same claimant (one party across its names: the
    claimant is already resolved through its aliases), the same event or
    place, dates no more than ``CLOSE_DAYS`` apart, and every casualty figure
    overlapping one of the same category and population, or every troop
    presence the same (force, place, present or absent). A claim with no
    claimant, no event or place, or no figure or presence states too little
    to be matched this way (``similar_claims`` compares its words). Each
    match comes with why, in words."""
    figures, presences = list(claim.casualty_figures.all()), list(claim.troop_presences.all())
    where = Q()
    if claim.event_id:
        where |= Q(event_id=claim.event_id)
    if claim.place_id:
        where |= Q(place_id=claim.place_id)
    if claim.claimant_id is None or not where or not (figures or presences):
        return []
    candidates = (
        Claim.objects.filter(where, claimant_id=claim.claimant_id)
        .exclude(pk=claim.pk)
        .exclude(status=ClaimStatus.WITHDRAWN)
        .select_related("claimant", "event", "place")
        .prefetch_related("casualty_figures", "troop_presences")
        .order_by("-pk")[:_CANDIDATES]
    )
    found = []
    for other in candidates:
        if not _close(claim, other):
            continue
        agreeing = _figures_agree(figures, other.casualty_figures.all()) if figures else []
        if figures and not agreeing:
            continue
        if presences and not _presences_agree(presences, other.troop_presences.all()):
            continue
        facts = [_("same claimant: %(name)s") % {"name": other.claimant.name}]
        if claim.event_id and other.event_id == claim.event_id:
            facts.append(_("same event: %(name)s") % {"name": other.event.name})
        elif other.place_id == claim.place_id:
            facts.append(_("same place: %(name)s") % {"name": other.place.name})
        if agreeing:
            facts.append(_("figures that agree: %(categories)s") % {"categories": ", ".join(dict.fromkeys(agreeing))})
        if presences:
            facts.append(_("the same troop presence"))
        found.append((other, "; ".join(str(fact) for fact in facts)))
        if len(found) == limit:
            break
    return found
