"""Does a page still say what was quoted from it?

Texts are compared after folding away what differs between copies of the
same words: Unicode compatibility forms (full-width ``２７`` is ``27``), case,
whitespace, and punctuation, Chinese and Western alike (``，`` ``。`` ``“”``
``、`` and ``, . " ,`` all vanish). A quote is found when its folded form is
a substring of the folded page; the excerpt shown to reviewers is cut from
the original page text around it, so they read what the page really says.

Figures are looked for as whole numbers in digits, Chinese numerals and
English words, since "6 killed", "六人死亡" and "six killed" state the same
count.
"""

import functools
import re
import unicodedata
from dataclasses import dataclass

_EXCERPT_MARGIN = 80
_DIGIT_GROUPING = re.compile(r"(?<=\d)[,，\u2009\u202f'](?=\d{3}(?!\d))")
_ENGLISH_NUMBERS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
]
_CHINESE_DIGITS = "零一二三四五六七八九"


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
        """Whether ``quote`` appears on the page, with the excerpt around it."""
        folded_quote, _ = fold(quote)
        position = self._folded.find(folded_quote) if folded_quote else -1
        if position < 0:
            return Match(found=False)
        start = self._origins[position]
        end = self._origins[position + len(folded_quote) - 1] + 1
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


def chinese_numeral(number: int) -> str:
    """``number`` (below 100,000) written in Chinese numerals: 27 → 二十七."""
    if number < 10:
        return _CHINESE_DIGITS[number]
    units = [(10000, "万"), (1000, "千"), (100, "百"), (10, "十")]
    parts: list[str] = []
    rest = number
    pending_zero = False
    for value, unit in units:
        digit, rest = divmod(rest, value)
        if digit:
            if pending_zero:
                parts.append("零")
                pending_zero = False
            parts.append(_CHINESE_DIGITS[digit] + unit)
        elif parts:
            pending_zero = True
    if rest:
        if pending_zero:
            parts.append("零")
        parts.append(_CHINESE_DIGITS[rest])
    written = "".join(parts)
    # 十七, not 一十七, is how 17 is written on its own.
    return written[1:] if written.startswith("一十") else written


@functools.lru_cache(maxsize=4096)
def number_pattern(number: int) -> re.Pattern:
    """A pattern for ``number`` as a whole number in digits, Chinese
    numerals or (up to twenty) English words."""
    forms = [rf"(?<![\d.]){number}(?![\d])"]
    if number < 100000:
        forms.append(rf"(?<![零一二三四五六七八九十百千万]){chinese_numeral(number)}(?![零一二三四五六七八九十百千万])")
    if number < len(_ENGLISH_NUMBERS):
        forms.append(rf"\b{_ENGLISH_NUMBERS[number]}\b")
    return re.compile("|".join(forms), re.IGNORECASE)
