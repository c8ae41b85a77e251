"""Search tokens that work for Chinese as well as for English.

PostgreSQL's text-search parser treats a run of Chinese characters as one
word, and ``pg_trgm`` ignores CJK characters under some locales. So claims
carry their own token string: Latin-script words and numbers lower-cased,
and every run of CJK characters cut into overlapping bigrams (the approach of
Lucene's CJK bigram analyser). A query is tokenised the same way and matches
when all of its tokens are present, so ``地雷`` and ``27人死亡`` find the
sample's claims without a dictionary.
"""

import re
import unicodedata

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connections

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af"
_TOKEN = re.compile(rf"[{_CJK}]+|[^\W_{_CJK}]+", re.UNICODE)
_CJK_RUN = re.compile(rf"^[{_CJK}]+$")


def tokenize(text: str) -> list[str]:
    """Split ``text`` into search tokens, in order, duplicates kept."""
    normalized = unicodedata.normalize("NFKC", text or "").lower()
    tokens: list[str] = []
    for run in _TOKEN.findall(normalized):
        if _CJK_RUN.match(run):
            if len(run) == 1:
                tokens.append(run)
            else:
                tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
        else:
            tokens.append(run)
    return tokens


def search_tokens(*texts: str) -> str:
    """The space-separated, de-duplicated tokens stored on a claim."""
    seen = dict.fromkeys(token for text in texts for token in tokenize(text))
    return " ".join(seen)


def search_claims(queryset, query: str):
    """Claims of ``queryset`` whose text or translation holds every token of ``query``.

    On PostgreSQL this is a full-text match of the stored tokens with the
    ``simple`` configuration (no stemming, no stop words: the tokens are
    already what we want to match), which a GIN index on
    ``to_tsvector('simple', search_tokens)`` serves. Elsewhere (the SQLite
    development database) it falls back to token containment.
    """
    tokens = list(dict.fromkeys(tokenize(query)))
    if not tokens:
        return queryset
    if connections[queryset.db].vendor == "postgresql":
        search_query = SearchQuery(tokens[0], config="simple", search_type="plain")
        for token in tokens[1:]:
            search_query &= SearchQuery(token, config="simple", search_type="plain")
        return queryset.annotate(search_match=SearchVector("search_tokens", config="simple")).filter(
            search_match=search_query
        )
    for token in tokens:
        queryset = queryset.filter(search_tokens__regex=rf"(^| ){re.escape(token)}( |$)")
    return queryset
