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

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af"
_TOKEN = re.compile(rf"[{_CJK}]+|[^\W_]+", re.UNICODE)
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
            # A Latin word glued to CJK ("27人") is split by the regex already.
            tokens.append(run)
    return tokens


def search_tokens(*texts: str) -> str:
    """The space-separated, de-duplicated tokens stored on a claim."""
    seen = dict.fromkeys(token for text in texts for token in tokenize(text))
    return " ".join(seen)
