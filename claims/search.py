"""Search tokens that work for Chinese as well as for English.

PostgreSQL's text-search parser treats a run of Chinese characters as one
word, and ``pg_trgm`` ignores CJK characters under some locales. So claims
carry their own token string: Latin-script words and numbers lower-cased,
and every run of CJK characters cut into overlapping bigrams (the approach of
Lucene's CJK bigram analyser). Words of ASCII letters are reduced to their
English stem (Snowball's English stemmer: "mines" and "mine" are ``mine``,
"killed" and "killing" ``kill``); numbers and other scripts stay as they
are. A query is tokenised the same way and matches when all of its tokens
are present, so ``地雷`` and ``27人死亡`` find the sample's claims without a
dictionary, and "mine" finds "mines".
"""

import functools
import operator
import re
import threading
import unicodedata

import snowballstemmer
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db.models import Expression, Q, TextField, Value
from django.db.models.expressions import Col
from django.db.models.functions import Concat

from tracker.database import has_full_text_search

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af"
_TOKEN = re.compile(rf"[{_CJK}]+|[^\W_{_CJK}]+", re.UNICODE)
_CJK_RUN = re.compile(rf"^[{_CJK}]+$")
_ENGLISH_WORD = re.compile(r"^[a-z]+$")
# A Snowball stemmer keeps the word it works on: one per thread.
_stemmers = threading.local()


class _StoredVector(Expression):
    """What PostgreSQL's full-text search matches: the claim's tokens as a
    ``tsvector`` (``to_tsvector('simple', search_tokens)``: no stemming, no stop
    words), which PostgreSQL keeps in the generated column ``search_vector``
    (migration ``claims/0020``). The model does not declare that column, as
    SQLite cannot compute it; this names it on the claims' table of the query,
    whatever that table's alias."""

    output_field = SearchVectorField()

    def resolve_expression(self, query=None, *args, **kwargs):
        return Col(query.get_initial_alias(), _VECTOR_COLUMN, output_field=self.output_field)


_VECTOR_COLUMN = SearchVectorField()
_VECTOR_COLUMN.set_attributes_from_name("search_vector")
_VECTOR_COLUMN.model = None  # a column of no model's fields (compared by its type)
_VECTOR = _StoredVector()
# The stored tokens between spaces, so that a token is found whole as `` token ``.
_SPACED_TOKENS = Concat(Value(" "), "search_tokens", Value(" "), output_field=TextField())
# Tokens looked for in one query where there is no full-text search.
_TOKENS_PER_QUERY = 100


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
            tokens.append(_stem(run) if _ENGLISH_WORD.match(run) else run)
    return tokens


@functools.lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    if not hasattr(_stemmers, "english"):
        _stemmers.english = snowballstemmer.stemmer("english")
    return _stemmers.english.stemWord(word)


def search_tokens(*texts: str) -> str:
    """The space-separated, de-duplicated tokens stored on a claim."""
    seen = dict.fromkeys(token for text in texts for token in tokenize(text))
    return " ".join(seen)


def search_claims(queryset, query: str):
    """Claims of ``queryset`` whose text or translation holds every token of ``query``.

    With full-text search (PostgreSQL, ``tracker.database``) this is a match
    of the stored tokens with the ``simple`` configuration (no stemming, no
    stop words: the tokens are already what we want to match) against the
    stored vector, which a GIN index serves. Elsewhere (the
    SQLite development database) each token must appear whole in the stored
    tokens, which the database finds by scanning.
    """
    tokens = list(dict.fromkeys(tokenize(query)))
    if not tokens:
        return queryset
    if has_full_text_search(queryset.db):
        return queryset.annotate(search_match=_VECTOR).filter(search_match=_full_text_query(tokens, operator.and_))
    return queryset.alias(spaced_tokens=_SPACED_TOKENS).filter(*(_holds(token) for token in tokens))


def claims_sharing_tokens(queryset, tokens: set[str], *, limit: int) -> list:
    """Up to ``limit`` claims of ``queryset`` that hold any of ``tokens``,
    those sharing the most (by full-text rank where there is full-text
    search) first."""
    if not tokens:
        return []
    if has_full_text_search(queryset.db):
        query = _full_text_query(sorted(tokens), operator.or_)
        ranked = queryset.annotate(search_match=_VECTOR, rank=SearchRank(_VECTOR, query))
        return list(ranked.filter(search_match=query).order_by("-rank")[:limit])
    # Without full-text search: the claims holding any token, found a slice of
    # tokens at a time (SQLite bounds how deep one condition may nest), ranked here.
    found = {}
    ordered = sorted(tokens)
    for start in range(0, len(ordered), _TOKENS_PER_QUERY):
        holding_any = functools.reduce(operator.or_, map(_holds, ordered[start : start + _TOKENS_PER_QUERY]))
        found.update((claim.pk, claim) for claim in queryset.alias(spaced_tokens=_SPACED_TOKENS).filter(holding_any))
    shared = {pk: len(tokens.intersection(claim.search_tokens.split())) for pk, claim in found.items()}
    return sorted(found.values(), key=lambda claim: -shared[claim.pk])[:limit]


def _full_text_query(tokens, combine):
    return functools.reduce(combine, (SearchQuery(token, config="simple", search_type="plain") for token in tokens))


def _holds(token: str) -> Q:
    return Q(spaced_tokens__contains=f" {token} ")
