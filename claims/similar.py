"""Pointing out claims that say nearly the same thing as a new one, so a
reviewer links to the existing claim instead of filing it twice.

Similarity is the overlap (Jaccard index) of the search tokens of the two
texts, the same CJK-bigram tokens search uses, so it works across Chinese
and English alike. Candidates are the claims sharing any token, found by the
full-text index; only the best few are compared in Python.
"""

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connections

from .models import Claim
from .search import tokenize

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
    if not tokens:
        return []
    candidates = Claim.objects.exclude(pk=exclude_pk)
    if connections[candidates.db].vendor == "postgresql":
        first, *rest = sorted(tokens)
        query = SearchQuery(first, config="simple", search_type="plain")
        for token in rest:
            query |= SearchQuery(token, config="simple", search_type="plain")
        vector = SearchVector("search_tokens", config="simple")
        candidates = (
            candidates.annotate(search_match=vector, rank=SearchRank(vector, query))
            .filter(search_match=query)
            .order_by("-rank")
        )
    scored = []
    for claim in candidates.only("pk", "text", "translation", "search_tokens", "status")[:_CANDIDATES]:
        score = max(similarity(tokens, set(tokenize(claim.text))), similarity(tokens, set(tokenize(claim.translation))))
        if score >= SIMILARITY_THRESHOLD:
            scored.append((claim, score))
    scored.sort(key=lambda pair: -pair[1])
    return scored[:limit]
