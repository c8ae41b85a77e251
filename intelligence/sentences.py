"""An article's text as paragraphs of sentences, and its language.

Pasted articles come hard-wrapped and with Markdown left over (the sample
article breaks "纳戈尔诺-卡拉巴赫" and "(Ilham Aliyev)" across lines, and
carries image lines and captions in ``_…_``). Lines are joined back: with a
space between two Latin words, with nothing next to a Chinese character.
A sentence ends at 。！？ (or . ! ? in English, not after an abbreviation or
an initial) outside quotation marks, so that "“…伤亡。”俄罗斯外交部…表示。"
stays one sentence with its attribution. Each sentence is kept as written:
it becomes the claim's quoted passage, which the source checks look for on
the page after folding away spacing and punctuation (sources/matching.py).
"""

import re

# A Markdown image, whose address may itself be wrapped over two lines.
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MARKUP_EDGES = re.compile(r"^[#>*_\s]+|[*_\s]+$")
_CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
_LATIN_LETTER = re.compile(r"[A-Za-z]")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")

_OPENING_QUOTES = "“「『"
_CLOSING_QUOTES = "”」』"
_CLOSERS = _CLOSING_QUOTES + "\"')）]’"
_CHINESE_TERMINALS = "。！？"
_ENGLISH_TERMINALS = ".!?"
_ABBREVIATIONS = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "st",
    "gen",
    "lt",
    "col",
    "sgt",
    "capt",
    "maj",
    "gov",
    "sen",
    "rep",
    "no",
    "jan",
    "feb",
    "aug",
    "sept",
    "sep",
    "oct",
    "nov",
    "dec",
    "vs",
    "etc",
    "approx",
    "u.s",
    "u.n",
    "u.k",
    "e.g",
    "a.m",
    "p.m",
    "i.e",
}
# Past this many characters an opening quote is taken as unmatched.
_LONGEST_QUOTE = 400
# No sentence of wire copy runs this long (the sample's longest is under 150 characters); a longer run
# without a sentence end is cut at its last clause mark before the limit, so that the work per sentence
# stays bounded and every sentence fits a claim's text.
MAX_SENTENCE_CHARS = 1_000
_CLAUSE_MARKS = "，,;；：:、 "


def detect_language(text: str) -> str | None:
    """ "zh" or "en" by the script that carries most of the words, counting a
    Chinese character as a word and five Latin letters as one; ``None`` for
    text in neither script."""
    chinese = len(_CJK.findall(text))
    latin_words = len(_LATIN_LETTER.findall(text)) / 5
    if chinese == 0 and latin_words == 0:
        return None
    return "zh" if chinese >= latin_words else "en"


def paragraphs(text: str) -> list[str]:
    """The article's paragraphs, lines joined back and Markdown image lines
    and emphasis marks dropped."""
    result = []
    for block in _PARAGRAPH_BREAK.split(text.replace("\r\n", "\n").replace("\r", "\n")):
        lines = [_MARKUP_EDGES.sub("", line) for line in _IMAGE.sub("", block).split("\n")]
        joined = ""
        for line in (line for line in lines if line):
            if joined and not _CJK.match(joined[-1]) and not _CJK.match(line[0]) and joined[-1] != "-":
                joined += " "
            joined += line
        if joined:
            result.append(joined)
    return result


def _ends_english_sentence(paragraph: str, index: int) -> bool:
    """Whether the . ! or ? at ``index`` ends a sentence."""
    rest = paragraph[index + 1 : index + 16]
    following = rest.lstrip(_CLOSERS)
    if following and not following[0].isspace():
        return False  # 1.5, U.S., "…"
    if paragraph[index] != ".":
        return True
    word = re.search(r"([\w.]+)$", paragraph[max(0, index - 32) : index])
    if word is None:
        return True
    token = word.group(1).lower()
    if token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha()):
        return False
    nxt = following.lstrip()
    return not nxt or not nxt[0].islower()


def split_sentences(paragraph: str) -> list[str]:
    """``paragraph`` cut into sentences, each stripped, none empty."""
    sentences, start, depth, opened_at, ascii_open = [], 0, 0, 0, False
    index = 0
    while index < len(paragraph):
        char = paragraph[index]
        if char in _OPENING_QUOTES:
            depth, opened_at = depth + 1, index
        elif char in _CLOSING_QUOTES:
            depth = max(0, depth - 1)
        elif char == '"':
            ascii_open = not ascii_open
            opened_at = index
        if (depth or ascii_open) and index - opened_at > _LONGEST_QUOTE:
            depth, ascii_open = 0, False
        inside_quote = depth > 0 or ascii_open
        is_terminal = char in _CHINESE_TERMINALS or (
            char in _ENGLISH_TERMINALS and _ends_english_sentence(paragraph, index)
        )
        if is_terminal:
            end = index + 1
            while end < len(paragraph) and paragraph[end] in _CLOSERS:
                if paragraph[end] in _CLOSING_QUOTES:
                    depth = max(0, depth - 1)
                elif paragraph[end] == '"':
                    ascii_open = not ascii_open
                end += 1
            closes_quote = end > index + 1
            after = paragraph[end : end + 1]
            ends_here = (not inside_quote and depth == 0 and not ascii_open) or (
                closes_quote and depth == 0 and not ascii_open and (not after or after.isspace())
            )
            if ends_here:
                sentences.append(paragraph[start:end].strip())
                start = end
            index = end
            continue
        index += 1
    sentences.append(paragraph[start:].strip())
    return [piece for sentence in sentences for piece in _cut_overlong(sentence) if piece]


def _cut_overlong(sentence: str) -> list[str]:
    pieces = []
    while len(sentence) > MAX_SENTENCE_CHARS:
        cut = max(sentence.rfind(mark, 0, MAX_SENTENCE_CHARS) for mark in _CLAUSE_MARKS) + 1
        if cut <= MAX_SENTENCE_CHARS // 2:
            cut = MAX_SENTENCE_CHARS
        pieces.append(sentence[:cut].strip())
        sentence = sentence[cut:].strip()
    pieces.append(sentence)
    return pieces
