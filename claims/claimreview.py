"""schema.org ClaimReview JSON-LD for claims with a published verdict.

Search engines and fact-check aggregators read ClaimReview to show a
verdict next to the claim it rates. Only published claims are described:
an open or withdrawn claim has no review to publish.

The rating scale (``RATING_SCALE``) runs from 1, the claim is false, to 4,
the claim holds; ``alternateName`` carries our own label, which is what
readers see.
"""

from django.conf import settings
from django.db.models import Prefetch
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone

from .choices import ActorKind, ClaimStatus
from .models import Claim, ClaimSource, Verdict

SCHEMA_CONTEXT = "https://schema.org"

# Worst (1) to best (4): how far the evidence bears the claim out.
RATING_SCALE = {
    ClaimStatus.REFUTED: 1,
    ClaimStatus.UNPROVEN: 2,
    ClaimStatus.DISPUTED: 3,
    ClaimStatus.SUPPORTED: 4,
}
WORST_RATING = min(RATING_SCALE.values())
BEST_RATING = max(RATING_SCALE.values())

DEFAULT_PUBLISHER_NAME = "Claim Tracker"

# Claimants that are one human being; every other kind speaks for a body.
_PERSON_KINDS = {ActorKind.OFFICIAL}


def current_verdict(claim: Claim) -> Verdict | None:
    """The claim's current verdict, from the feed's prefetch when there is one."""
    prefetched = getattr(claim, "current_verdicts", None)
    if prefetched is not None:
        return prefetched[0] if prefetched else None
    return claim.current_verdict


def live_links(claim: Claim) -> list[ClaimSource]:
    """The claim's source links that are not withdrawn, in the order they were added."""
    return [link for link in claim.source_links.all() if link.withdrawn_at is None]


def _claimant(claim: Claim) -> dict | None:
    actor = claim.claimant
    if actor is None:
        return None
    return {"@type": "Person" if actor.kind in _PERSON_KINDS else "Organization", "name": actor.name}


def _appearance(link: ClaimSource) -> dict:
    source = link.source
    work = {"@type": "CreativeWork", "url": source.url}
    if source.title:
        work["headline"] = source.title
    if source.published_on:
        work["datePublished"] = source.published_on.isoformat()
    if source.outlet is not None:
        work["publisher"] = {"@type": "Organization", "name": source.outlet.name}
    return work


def _item_reviewed(claim: Claim) -> dict:
    links = live_links(claim)
    item = {"@type": "Claim"}
    author = _claimant(claim)
    if author is not None:
        item["author"] = author
    published_dates = [link.source.published_on for link in links if link.source.published_on]
    stated_on = claim.stated_on or min(published_dates, default=None)
    if stated_on is not None:
        item["datePublished"] = stated_on.isoformat()
    item["appearance"] = [_appearance(link) for link in links]
    if claim.translation:
        # schema.org has no "translation" text property on ClaimReview; a
        # Claim is a CreativeWork, whose ``workTranslation`` is one.
        item["workTranslation"] = {"@type": "CreativeWork", "text": claim.translation, "inLanguage": "en"}
    return item


def _publisher(request) -> dict:
    return {
        "@type": "Organization",
        "name": getattr(settings, "CLAIMREVIEW_PUBLISHER_NAME", DEFAULT_PUBLISHER_NAME),
        "url": getattr(settings, "CLAIMREVIEW_PUBLISHER_URL", None) or request.build_absolute_uri("/"),
    }


def _review_node(claim: Claim, request) -> dict:
    verdict = current_verdict(claim)
    if verdict is None or claim.status not in ClaimStatus.verdicts():
        raise ValueError(f"Claim {claim.pk} has no published verdict to describe.")
    return {
        "@type": "ClaimReview",
        "url": request.build_absolute_uri(f"/claims/{claim.pk}/"),
        "claimReviewed": claim.text,
        "inLanguage": claim.language,
        "datePublished": timezone.localdate(verdict.published_at).isoformat(),
        "author": _publisher(request),
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": RATING_SCALE[verdict.rating],
            "bestRating": BEST_RATING,
            "worstRating": WORST_RATING,
            "alternateName": str(ClaimStatus(verdict.rating).label),
        },
        "itemReviewed": _item_reviewed(claim),
    }


def claim_review(claim: Claim, request) -> dict:
    """The ClaimReview of ``claim``, a standalone JSON-LD document.

    Raises ``ValueError`` if the claim has no published verdict.
    """
    return {"@context": SCHEMA_CONTEXT, **_review_node(claim, request)}


def published_reviews(queryset):
    """``queryset`` narrowed to published claims, with what a review needs
    fetched in a constant number of queries."""
    current = Verdict.objects.filter(superseded_at__isnull=True)
    return (
        queryset.published()
        .select_related("claimant")
        .prefetch_related(
            Prefetch("verdicts", queryset=current, to_attr="current_verdicts"), "source_links__source__outlet"
        )
    )


def claimreview_feed(request):
    """Every published claim's ClaimReview, as one JSON-LD graph. Public."""
    graph = [_review_node(claim, request) for claim in published_reviews(Claim.objects.all())]
    return JsonResponse({"@context": SCHEMA_CONTEXT, "@graph": graph}, json_dumps_params={"ensure_ascii": False})


def claim_review_json(request, pk: int):
    """The ClaimReview of one claim; 404 unless its verdict is published."""
    claim = get_object_or_404(published_reviews(Claim.objects.all()), pk=pk)
    return JsonResponse(claim_review(claim, request), json_dumps_params={"ensure_ascii": False})
