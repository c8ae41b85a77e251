"""Claims suggested from an article: the rule-based reading of a pasted
article (Chinese or English) into candidate claims.

``suggest_claims(text, language=None)`` returns one ``Candidate`` per
sentence that states something a fact-checker files: casualty figures
(figures.py), troop presence (presence.py), a count of people such as a
population (a statistic), or any attributed statement (attribution.py). Each
carries its sentence exactly as the article writes it, to become the quoted
passage, the suggested claimant, and the outlet that carried it: an outlet
named in a paragraph ("路透社报道称", "Reuters reported") carries the
sentences after it in that paragraph too.

Everything is pure and deterministic: no database, no network, no model. Bad
input raises an ``ArticleError`` (a ``ValueError``) whose message says what
is wrong, before any work is done on it.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from claims.choices import ClaimKind

from .attribution import attribute
from .figures import FigureCandidate, find_figures, people_counts
from .presence import PresenceCandidate, find_presences
from .sentences import detect_language, paragraphs, split_sentences

# A long feature runs to 30,000 characters; 100,000 leaves room and bounds the work (about 0.1 s per 10,000).
MAX_ARTICLE_CHARS = 100_000
# UTF-8 takes at most four bytes a character: more bytes than this cannot be an article of the longest size.
MAX_ARTICLE_BYTES = MAX_ARTICLE_CHARS * 4
LANGUAGES = ("zh", "en")
# Share of characters that no text has (controls, unassigned code points, replacement characters) above which the
# input is taken as binary.
_UNREADABLE_SHARE = 0.01
_STATISTIC_CUES = {
    "en": re.compile(
        r"\b(?:live|lives|living|population|inhabitants|residents|home\s+to|refugees|displaced|fled|evacuated"
        r"|homeless)\b",
        re.I,
    ),
    "zh": re.compile(r"居住|生活|人口|居民|难民|流离失所|撤离|疏散|逃离|无家可归"),
}


class ArticleError(ValueError):
    """An article that cannot be read for claims; ``str()`` says why."""


class EmptyArticle(ArticleError):
    pass


class ArticleTooLong(ArticleError):
    pass


class UnreadableArticle(ArticleError):
    pass


class UnsupportedLanguage(ArticleError):
    pass


@dataclass
class Candidate:
    """A claim the article suggests, for a reviewer to keep, correct or drop."""

    sentence: str
    language: str
    kind: str
    claimant: str = ""
    outlet: str = ""
    figures: list[FigureCandidate] = field(default_factory=list)
    presences: list[PresenceCandidate] = field(default_factory=list)
    counts: list[int] = field(default_factory=list)


def _check(text) -> str:
    if isinstance(text, bytes | bytearray):
        if len(text) > MAX_ARTICLE_BYTES:
            raise ArticleTooLong(
                _("The article is too long (more than %(size)s bytes); paste at most %(limit)s characters.")
                % {"size": f"{MAX_ARTICLE_BYTES:,}", "limit": f"{MAX_ARTICLE_CHARS:,}"}
            )
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError as error:
            raise UnreadableArticle(_("The article is not text (it is not valid UTF-8).")) from error
    if not isinstance(text, str):
        raise UnreadableArticle(_("The article must be text."))
    if len(text) > MAX_ARTICLE_CHARS:
        raise ArticleTooLong(_too_long_message(len(text)))
    if not text.strip():
        raise EmptyArticle(_("The article is empty: paste its text."))
    unreadable = sum(
        1
        for char in text
        if char == "\ufffd" or (unicodedata.category(char) in ("Cc", "Cn", "Co", "Cs") and char not in "\n\r\t")
    )
    if unreadable > _UNREADABLE_SHARE * len(text):
        raise UnreadableArticle(_("The article does not look like text: it holds control or unassigned characters."))
    return text


def _too_long_message(length: int) -> str:
    return _("The article is too long (%(length)s characters); paste at most %(limit)s.") % {
        "length": f"{length:,}",
        "limit": f"{MAX_ARTICLE_CHARS:,}",
    }


def suggest_claims(text: str, language: str | None = None) -> list[Candidate]:
    """The candidate claims of the article ``text``, in the article's order.

    ``language`` is "zh" or "en"; when ``None`` it is detected from the
    script. Raises an ``ArticleError`` for empty, oversized, binary or
    unsupported input."""
    text = _check(text)
    if language is None:
        language = detect_language(text)
    if language not in LANGUAGES:
        raise UnsupportedLanguage(_("Claims can be suggested from Chinese or English articles only."))
    candidates = []
    for paragraph in paragraphs(text):
        claimant, outlet = "", ""
        for sentence in split_sentences(paragraph):
            candidate = suggest_from_sentence(sentence, language, previous_claimant=claimant, carried_by=outlet)
            if candidate is None:
                continue
            claimant = candidate.claimant or claimant
            outlet = candidate.outlet or outlet
            if candidate.kind is not None:
                candidates.append(candidate)
    return candidates


def suggest_from_sentence(
    sentence: str, language: str, *, previous_claimant: str = "", carried_by: str = ""
) -> Candidate | None:
    """The candidate claim of one sentence, or ``None`` when it states nothing
    to file. A candidate whose ``kind`` is ``None`` only names an outlet or a
    claimant for the sentences after it."""
    attribution = attribute(sentence, language, previous_claimant)
    figures = find_figures(sentence, language)
    presences = find_presences(sentence, language, attribution.claimant)
    counts = [] if figures else people_counts(sentence, language)
    if figures:
        kind = ClaimKind.CASUALTY_FIGURE
    elif presences:
        kind = ClaimKind.TROOP_PRESENCE
    elif counts and _STATISTIC_CUES[language].search(sentence):
        kind = ClaimKind.STATISTIC
    elif attribution.claimant:
        kind = ClaimKind.STATEMENT
    elif attribution.outlet:
        kind = None
    else:
        return None
    return Candidate(
        sentence=sentence,
        language=language,
        kind=kind,
        claimant=attribution.claimant,
        outlet=attribution.outlet or carried_by,
        figures=figures,
        presences=presences,
        counts=counts if kind == ClaimKind.STATISTIC else [],
    )
