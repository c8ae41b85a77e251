"""Does a page still say what was quoted from it?

Texts are compared after folding away what differs between copies of the
same words: Unicode compatibility forms (full-width ``２７`` is ``27``), case,
whitespace, and punctuation, Chinese and Western alike (``，`` ``。`` ``“”``
``、`` and ``, . " ,`` all vanish). A quote is found when its folded form is
a substring of the folded page; the excerpt shown to reviewers is cut from
the original page text around it, so they read what the page really says.

Figures are looked for as whole numbers in digits, Chinese numerals and
English words, since "6 killed", "六人死亡" and "six killed" state the same
count, as do "200", "两百" and "two hundred", or "27000", "2.7万" and
"twenty-seven thousand". The words come from cn2an and num2words.
"""

import functools
import itertools
import re
import unicodedata
from dataclasses import dataclass

import cn2an
from num2words import num2words
from rapidfuzz import fuzz

_EXCERPT_MARGIN = 80
# How alike (rapidfuzz's partial ratio of the folded texts, 0 to 100) a
# passage must be to a quote not found to be shown as the closest on the
# page: a quote with one figure changed is near 90; below 60 what is "closest"
# shares little more than common words.
CLOSEST_MIN_ALIKE = 60
# The search takes time in the quote's length times the page's (a 2,000-character
# quote on a 120,000-character page: about 0.2 s); longer quotes are not looked for.
CLOSEST_MAX_QUOTE = 1_000
# Where a quote was shortened (after NFKC, which writes … and …… as dots).
_ELLIPSIS = re.compile(r"\.{3,}|⋯+")
_DIGIT_GROUPING = re.compile(r"(?<=\d)[,，\u2009\u202f'](?=\d{3}(?!\d))")


# What survives folding: letters and digits of any script (CJK included),
# and the few symbols that change what a figure means.
_KEPT_RUN = re.compile(r"(?:[^\W_]|[%‰$€£¥₽₴₺₼+±<>=°№])+")


def _fold_char(char: str) -> str:
    return "".join(_KEPT_RUN.findall(unicodedata.normalize("NFKC", char).casefold()))


def fold(text: str) -> tuple[str, list[int]]:
    """``text`` folded for comparison, and for each folded character the
    index of the original character it came from."""
    normalized = unicodedata.normalize("NFKC", text).casefold()
    if len(normalized) == len(text):
        # One character for one, as for full-width forms and case: positions
        # carry over, and whole runs are taken at C speed.
        runs = list(_KEPT_RUN.finditer(normalized))
        origins = [index for run in runs for index in range(run.start(), run.end())]
        return "".join(run.group() for run in runs), origins
    folded: list[str] = []
    origins = []
    for index, char in enumerate(text):
        piece = _fold_char(char)
        folded.append(piece)
        origins.extend([index] * len(piece))
    return "".join(folded), origins


@dataclass(frozen=True)
class Match:
    found: bool
    excerpt: str = ""


def _excerpt(text: str, start: int, end: int) -> str:
    left = max(0, start - _EXCERPT_MARGIN)
    right = min(len(text), end + _EXCERPT_MARGIN)
    return ("…" if left else "") + " ".join(text[left:right].split()) + ("…" if right < len(text) else "")


class SearchablePage:
    """A page's text, folded once for every quote and figure looked for in it."""

    def __init__(self, text: str):
        self.text = text
        self._folded, self._origins = fold(text)
        self._figures_text = _DIGIT_GROUPING.sub("", unicodedata.normalize("NFKC", text))

    def find_quote(self, quote: str) -> Match:
        """Whether ``quote`` appears on the page, with the excerpt around it.

        A quote shortened with an ellipsis (``…``, ``……``, ``...``) is found
        when its parts appear in order."""
        parts = [fold(part)[0] for part in _ELLIPSIS.split(unicodedata.normalize("NFKC", quote))]
        parts = [part for part in parts if part]
        if not parts:
            return Match(found=False)
        first, position = None, 0
        for part in parts:
            found_at = self._folded.find(part, position)
            if found_at < 0:
                return Match(found=False)
            first = found_at if first is None else first
            position = found_at + len(part)
        start = self._origins[first]
        end = self._origins[position - 1] + 1
        return Match(found=True, excerpt=_excerpt(self.text, start, end))

    def find_figures(self, numbers: list[int]) -> Match:
        """Whether every number of ``numbers`` appears on the page; the
        excerpt is around the first one."""
        if not numbers:
            return Match(found=False)
        first = None
        for number in numbers:
            hit = number_pattern(number).search(self._figures_text)
            if hit is None:
                return Match(found=False)
            first = first or hit
        return Match(found=True, excerpt=_excerpt(self._figures_text, first.start(), first.end()))

    def closest_passage(self, quote: str) -> tuple[str, int]:
        """The passage of the page most like ``quote`` (of the quote's
        length, compared folded) and how alike it is (0 to 100); ``("", 0)``
        when nothing is at least ``CLOSEST_MIN_ALIKE`` alike, or the quote is
        longer than ``CLOSEST_MAX_QUOTE``."""
        folded_quote = fold(quote)[0]
        if not folded_quote or not self._folded or len(folded_quote) > CLOSEST_MAX_QUOTE:
            return "", 0
        alignment = fuzz.partial_ratio_alignment(folded_quote, self._folded, score_cutoff=CLOSEST_MIN_ALIKE)
        if alignment is None or alignment.dest_end <= alignment.dest_start:
            return "", 0
        start = self._origins[alignment.dest_start]
        end = self._origins[alignment.dest_end - 1] + 1
        # Folding drops punctuation, so the passage would stop short of the
        # quotation marks or the full stop the quote has at its ends.
        for _ in range(_punctuation_run(quote)):
            if start > 0 and _is_punctuation(self.text[start - 1]):
                start -= 1
        for _ in range(_punctuation_run(reversed(quote))):
            if end < len(self.text) and _is_punctuation(self.text[end]):
                end += 1
        return " ".join(self.text[start:end].split()), round(alignment.score)

    def missing_figures(self, numbers: list[int]) -> list[int]:
        """The numbers of ``numbers`` that do not appear on the page."""
        return [number for number in numbers if number_pattern(number).search(self._figures_text) is None]


def _is_punctuation(char: str) -> bool:
    return unicodedata.category(char).startswith("P")


def _punctuation_run(chars) -> int:
    """How many punctuation marks ``chars`` begins with."""
    return sum(1 for _ in itertools.takewhile(_is_punctuation, chars))


def chinese_forms(number: int) -> list[str]:
    """How Chinese outlets write ``number`` in words: 二十七; 两百 as well as
    二百; and for tens of thousands and more, digits before 万: 2.7万, 12万."""
    written = cn2an.an2cn(number, "low")
    forms = [written]
    if written[0] == "二" and written[1:2] in ("百", "千", "万"):
        forms.append("两" + written[1:])
    if number >= 10000 and number % 1000 == 0:
        forms.append(_with_tenths(number // 1000) + "万")
    return forms


def english_forms(number: int) -> list[str]:
    """Patterns for ``number`` in English words: "twenty-seven" or "twenty
    seven", "two hundred (and) five", "one thousand, two hundred", and
    "1.2 million" for round millions."""
    words = [word for word in re.split(r"[\s,-]+", num2words(number, lang="en")) if word != "and"]
    forms = [_ENGLISH_SEPARATOR.join(map(re.escape, words))]
    if number >= 1_000_000 and number % 100_000 == 0:
        forms.append(re.escape(_with_tenths(number // 100_000)) + r"\s*million")
    return forms


def _with_tenths(tenths: int) -> str:
    """A count of tenths as a decimal: 27 → "2.7", 120 → "12"."""
    whole, rest = divmod(tenths, 10)
    return f"{whole}.{rest}" if rest else str(whole)


# Between number words: spaces, hyphens, commas, and an optional "and".
_ENGLISH_SEPARATOR = r"(?:[\s,-]+and)?[\s,-]+"
# "seven" is not 7 in "twenty-seven" or "a hundred and seven", nor "two
# hundred" 200 in "two hundred thousand" or "two hundred and five".
_NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen"
    "|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|million|billion"
)
_NOT_AFTER_NUMBER_WORDS = "".join(
    rf"(?<!{before})" for before in ("-", "hundred ", "thousand ", "million ", "hundred and ", "thousand and ")
)
_NOT_BEFORE_NUMBER_WORDS = rf"(?!-\w|[\s,]+(?:and\s+)?(?:{_NUMBER_WORDS})\b)"
_CHINESE_NUMERAL_CHARS = "零〇一二两三四五六七八九十百千万亿"


@functools.lru_cache(maxsize=4096)
def number_pattern(number: int) -> re.Pattern:
    """A pattern for ``number`` as a whole number in digits, Chinese
    numerals or English words."""
    outside_chinese = rf"(?<![{_CHINESE_NUMERAL_CHARS}\d.])(?:{{}})(?![{_CHINESE_NUMERAL_CHARS}\d])"
    # 27 is not the start of 27.5 or of 27万 (270,000).
    forms = [rf"(?<![\d.]){number}(?!\.?\d|[万千亿])"]
    forms += [outside_chinese.format(re.escape(form)) for form in chinese_forms(number)]
    forms += [rf"{_NOT_AFTER_NUMBER_WORDS}\b(?:{form})\b{_NOT_BEFORE_NUMBER_WORDS}" for form in english_forms(number)]
    return re.compile("|".join(forms), re.IGNORECASE)
