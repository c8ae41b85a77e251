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


def _is_kept(char: str) -> bool:
    category = unicodedata.category(char)
    return not (category.startswith("P") or category.startswith("Z") or category in ("Cc", "Cf", "Sk"))


def fold(text: str) -> tuple[str, list[int]]:
    """``text`` folded for comparison, and for each folded character the
    index of the original character it came from."""
    folded: list[str] = []
    origins: list[int] = []
    for index, char in enumerate(text):
        for piece in unicodedata.normalize("NFKC", char).casefold():
            if _is_kept(piece):
                folded.append(piece)
                origins.append(index)
    return "".join(folded), origins


@dataclass(frozen=True)
class Match:
    found: bool
    excerpt: str = ""


def _excerpt(text: str, start: int, end: int) -> str:
    left = max(0, start - _EXCERPT_MARGIN)
    right = min(len(text), end + _EXCERPT_MARGIN)
    return ("…" if left else "") + " ".join(text[left:right].split()) + ("…" if right < len(text) else "")


def find_quote(quote: str, page_text: str) -> Match:
    """Whether ``quote`` appears in ``page_text``, with the excerpt around it."""
    folded_quote, _ = fold(quote)
    if not folded_quote:
        return Match(found=False)
    folded_page, origins = fold(page_text)
    position = folded_page.find(folded_quote)
    if position < 0:
        return Match(found=False)
    start = origins[position]
    end = origins[position + len(folded_quote) - 1] + 1
    return Match(found=True, excerpt=_excerpt(page_text, start, end))


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


def number_pattern(number: int) -> re.Pattern:
    """A pattern for ``number`` as a whole number in digits, Chinese
    numerals or (up to twenty) English words."""
    forms = [rf"(?<![\d.]){number}(?![\d])"]
    if number < 100000:
        forms.append(rf"(?<![零一二三四五六七八九十百千万]){chinese_numeral(number)}(?![零一二三四五六七八九十百千万])")
    if number < len(_ENGLISH_NUMBERS):
        forms.append(rf"\b{_ENGLISH_NUMBERS[number]}\b")
    return re.compile("|".join(forms), re.IGNORECASE)


def find_figures(numbers: list[int], page_text: str) -> Match:
    """Whether every number of ``numbers`` appears in ``page_text``; the
    excerpt is around the first one."""
    if not numbers:
        return Match(found=False)
    text = _DIGIT_GROUPING.sub("", unicodedata.normalize("NFKC", page_text))
    first = None
    for number in numbers:
        hit = number_pattern(number).search(text)
        if hit is None:
            return Match(found=False)
        first = first or hit
    return Match(found=True, excerpt=_excerpt(text, first.start(), first.end()))
