"""Numbers as outlets write them, found in a sentence with where they stand.

``find_numbers(sentence, language)`` returns every count written in digits
(``1,200``, ``1 200``, ``1.2 million``, ``12万``), Chinese numerals (``十二``,
``两百``), English words (``twenty-seven``, ``two hundred and five``, ``a
dozen``), ranges (``6 to 8``, ``6-8``, ``6至8``, ``between 6 and 8``) and vague
counts (``dozens``, ``数十``: see vague_counts.py), each with the qualifier the
words around it give: ``more than``/``at least``/``至少``/``逾``/``20多`` make
a lower bound, ``up to``/``as many as``/``最多``/``不超过`` an upper bound,
``about``/``约``/``左右`` an approximation. Whether a number counts people at
all (and not a date, an age, a distance or money) is decided by figures.py,
which reads the words around it.
"""

import re
from dataclasses import dataclass

import cn2an

from claims.choices import BoundQualifier

from .vague_counts import VAGUE_COUNTS


@dataclass(frozen=True)
class NumberMention:
    """A number in a sentence: ``start``/``end`` span its words (qualifier
    words excluded), ``high`` is set for a range, and ``qualifier`` is a
    ``BoundQualifier`` value."""

    start: int
    end: int
    low: int
    high: int | None
    qualifier: str
    vague: bool = False


# Full-width digits and signs as ASCII, one character for one, so that spans
# found in the folded sentence are spans of the sentence itself.
_FOLD_WIDTH = str.maketrans("０１２３４５６７８９％＋－．", "0123456789%+-.")

# Digits, grouped by thousands with a comma or a space (1,200 / 1 200), not
# inside a word or a code (F-16, Su-25, 27th).
_DIGITS = (
    r"(?<![A-Za-z0-9.])(?<![A-Za-z]-)(?:\d{1,3}(?:[,\u00a0\u202f\u2009 ]\d{3})+|\d+(?:\.\d+)?)(?![\d])(?![A-Za-z])"
)
_DIGITS_ZH = r"(?<![A-Za-z0-9.])(?<![A-Za-z]-)(?:\d{1,3}(?:[,\u00a0\u202f\u2009 ]\d{3})+|\d+(?:\.\d+)?)(?!\d)"
_ZH_MULTIPLIERS = {"万": 10_000, "千": 1_000, "亿": 100_000_000}
_EN_MULTIPLIERS = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}

_EN_SMALL = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_EN_SCALES = {"dozen": 12, "hundred": 100, "thousand": 1_000, "million": 1_000_000}
_EN_WORD = "|".join(sorted([*_EN_SMALL, *_EN_SCALES], key=len, reverse=True))
# "and" joins number words only after a scale: "two hundred and five", never
# "between six and eight".
_EN_JOIN = r"(?:\s*-\s*|\s+|(?:(?<=hundred)|(?<=thousand)|(?<=million))\s+and\s+)"
_EN_WORDS = rf"\b(?:an?\s+(?:dozen|hundred|thousand)|(?:{_EN_WORD}))(?:{_EN_JOIN}(?:{_EN_WORD}))*\b"

_VAGUE_EN = "|".join(sorted((key for key in VAGUE_COUNTS if key.isascii()), key=len, reverse=True))
_VAGUE_ZH = "|".join(sorted((key for key in VAGUE_COUNTS if not key.isascii()), key=len, reverse=True))
_CHINESE_NUMERAL = "[零〇一二两三四五六七八九十百千万亿]+"

_PATTERNS = {
    "en": re.compile(
        rf"\b(?P<vague>{_VAGUE_EN})\b|(?P<digits>{_DIGITS})(?:\s+(?P<mult>thousand|million|billion)\b)?|(?P<words>{_EN_WORDS})",
        re.IGNORECASE,
    ),
    "zh": re.compile(
        rf"(?P<vague>{_VAGUE_ZH})|(?P<digits>{_DIGITS_ZH})(?P<mult>[万千亿])?|(?P<chinese>{_CHINESE_NUMERAL})"
    ),
}

# Qualifier words, read immediately before a number (``at least 27``,
# ``至少有27``) or after it (``20多人``, ``27 or more``, ``27人左右``).
_BEFORE = {
    "en": [
        (
            BoundQualifier.AT_LEAST,
            r"(?:at\s+least|no\s+(?:fewer|less)\s+than|more\s+than|over|upwards\s+of|in\s+excess\s+of|above"
            r"|a\s+minimum\s+of)\s+$",
        ),
        (
            BoundQualifier.UP_TO,
            r"(?:up\s+to|as\s+many\s+as|at\s+most|no\s+more\s+than|fewer\s+than|less\s+than|a\s+maximum\s+of)\s+$",
        ),
        (
            BoundQualifier.ABOUT,
            r"(?:about|around|approximately|roughly|some|nearly|almost|an\s+estimated|estimated|close\s+to"
            r"|more\s+or\s+less)\s+$",
        ),
    ],
    "zh": [
        (BoundQualifier.AT_LEAST, r"(?:至少|最少|起码|不少于|超过|逾|多于|超)有?\s*$"),
        (BoundQualifier.UP_TO, r"(?:最多|至多|不超过|多达|高达|不到|少于|不足)有?\s*$"),
        (BoundQualifier.ABOUT, r"(?:大约|大概|将近|接近|估计|约|近)有?\s*$"),
    ],
}
_AFTER = {
    "en": [(BoundQualifier.AT_LEAST, r"^(?:\+|\s+or\s+more\b|\s+plus\b)")],
    "zh": [
        (BoundQualifier.AT_LEAST, r"^(?:多|余|几|\+)"),
        (BoundQualifier.ABOUT, r"^[多余]?[人名位个]?(?:左右|上下)"),
    ],
}
_BEFORE = {lang: [(q, re.compile(p, re.IGNORECASE)) for q, p in rules] for lang, rules in _BEFORE.items()}
_AFTER = {lang: [(q, re.compile(p, re.IGNORECASE)) for q, p in rules] for lang, rules in _AFTER.items()}

_RANGE_SEPARATOR = re.compile(r"^\s*(?:-|–|—|~|～|〜|至|到|to|or)\s*$", re.IGNORECASE)
_BETWEEN = re.compile(r"between\s+$", re.IGNORECASE)
_FROM = re.compile(r"from\s+$", re.IGNORECASE)
_AND = re.compile(r"^\s+and\s+$", re.IGNORECASE)
# 一些 is "some", 一直 "always", 一起 "together": 一 there is no count.
_NOT_A_COUNT_AFTER_YI = re.compile(r"^(?:些|直|起|道|同|旦|般|边|致|切|再|度|带|定|向|贯|线|方面)")


def fold(sentence: str) -> str:
    """``sentence`` with full-width digits and signs as ASCII, same length."""
    return sentence.translate(_FOLD_WIDTH)


def _english_words_value(words: str) -> int:
    total, current = 0, 0
    for word in re.split(r"[\s-]+", words.lower()):
        if word in ("and", ""):
            continue
        if word in ("a", "an"):
            current = max(current, 1)
        elif word in _EN_SMALL:
            current += _EN_SMALL[word]
        elif word in ("hundred", "dozen"):
            current = max(current, 1) * _EN_SCALES[word]
        else:
            total += max(current, 1) * _EN_SCALES[word]
            current = 0
    return total + current


def _chinese_value(numeral: str) -> int | None:
    if numeral in ("百", "千", "万"):
        return {"百": 100, "千": 1_000, "万": 10_000}[numeral]
    try:
        return int(cn2an.cn2an(numeral, "normal"))
    except (ValueError, KeyError, TypeError):
        return None


def _digits_value(digits: str, multiplier: int) -> int | None:
    plain = re.sub(r"[,\u00a0\u202f\u2009 ]", "", digits)
    value = float(plain) * multiplier
    if value != int(value):
        return None  # 1.5 is no count of people
    return int(value)


def _value(match: re.Match, language: str) -> tuple[int | None, bool]:
    """The value of a scanned number and whether it was a vague count."""
    if match["vague"]:
        return VAGUE_COUNTS[match["vague"].lower()], True
    if match["digits"]:
        multiplier = match["mult"] or ""
        factor = _ZH_MULTIPLIERS.get(multiplier) or _EN_MULTIPLIERS.get(multiplier.lower(), 1)
        return _digits_value(match["digits"], factor), False
    if language == "en":
        return _english_words_value(match["words"]), False
    return _chinese_value(match["chinese"]), False


def _qualifier(before: str, after: str, language: str) -> str | None:
    # The longest wins: 不超过 (up to) ends with 超过 (more than), 不少于 (at least) with 少于 (fewer than).
    found = [(match.end() - match.start(), q) for q, p in _BEFORE[language] if (match := p.search(before))]
    if found:
        return max(found)[1]
    for qualifier, pattern in _AFTER[language]:
        if pattern.search(after):
            return qualifier
    return None


def find_numbers(sentence: str, language: str) -> list[NumberMention]:
    """Every count in ``sentence`` (``language`` is "en" or "zh"), in order,
    ranges merged into one mention."""
    text = fold(sentence)
    singles: list[NumberMention] = []
    for match in _PATTERNS[language].finditer(text):
        if language == "zh" and match["chinese"] == "一" and _NOT_A_COUNT_AFTER_YI.match(text[match.end() :]):
            continue
        value, vague = _value(match, language)
        if value is None:
            continue
        before, after = text[max(0, match.start() - 24) : match.start()], text[match.end() : match.end() + 12]
        qualifier = _qualifier(before, after, language)
        if qualifier is None:
            qualifier = BoundQualifier.AT_LEAST if vague else BoundQualifier.EXACT
        singles.append(NumberMention(match.start(), match.end(), value, None, qualifier, vague))
    return _merge_ranges(text, singles)


def _merge_ranges(text: str, singles: list[NumberMention]) -> list[NumberMention]:
    merged: list[NumberMention] = []
    index = 0
    while index < len(singles):
        first = singles[index]
        second = singles[index + 1] if index + 1 < len(singles) else None
        if second is not None and _is_range(text, first, second):
            qualifier = first.qualifier if first.qualifier != BoundQualifier.EXACT else second.qualifier
            if qualifier == BoundQualifier.AT_LEAST and second.qualifier == BoundQualifier.AT_LEAST:
                qualifier = BoundQualifier.EXACT  # "6-8多人" is not written; keep the range
            merged.append(NumberMention(first.start, second.end, first.low, second.low, qualifier))
            index += 2
            continue
        merged.append(first)
        index += 1
    return merged


def _is_range(text: str, first: NumberMention, second: NumberMention) -> bool:
    if first.vague or second.vague or second.low <= first.low:
        return False
    between = text[first.end : second.start]
    before = text[max(0, first.start - 12) : first.start]
    if _BETWEEN.search(before):
        return bool(_AND.match(between)) or bool(_RANGE_SEPARATOR.match(between))
    if _FROM.search(before):
        return False  # "rose from 27 to 45" is a change, not a range
    return bool(_RANGE_SEPARATOR.match(between))
