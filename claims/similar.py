"""Pointing out claims that say nearly the same thing as a new one, so a
reviewer links to the existing claim instead of filing it twice.

Similarity is the overlap (Jaccard index) of the search tokens of the two
texts, the same CJK-bigram tokens search uses, so it works across Chinese
and English alike. Candidates are the claims sharing any token
(``claims.search.claims_sharing_tokens``); only the best few are compared
in Python.
"""

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
