"""What changed in a page's text between two checks, as a reviewer reads it:
which paragraphs were removed, added or left alone, and inside a rewritten
paragraph which words went and came, so that a casualty figure revised
from 27 to 32 in a long article is seen at once.

Texts are compared paragraph by paragraph (trafilatura puts each on its own
line), then a rewritten paragraph word by word. Chinese and Japanese are
written without spaces, so there every character is a word; other scripts
are cut into runs of letters and digits, spaces and single signs.
"""

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from django.http import Http404

# One token each: a CJK character, a run of letters or digits of any other
# script, a run of spaces, or any other single character.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(rf"[{_CJK}]|(?:(?![{_CJK}])[^\W_])+|\s+|.", re.DOTALL)
# Rewritten paragraphs longer than this are shown as removed and added whole:
# comparing them token by token could take seconds.
MAX_TOKENS_COMPARED = 5_000
# Below this share of words in common, a paragraph paired with another was
# replaced, not edited: marking word by word would only scatter the text.
MIN_SHARED = 0.5


@dataclass(frozen=True)
class Piece:
    """A stretch of text and what happened to it: ``same``, ``removed`` or ``added``."""

    kind: str
    text: str


@dataclass(frozen=True)
class Block:
    """One part of the comparison, in reading order.

    ``unchanged`` holds the number of paragraphs left alone; ``removed``
    and ``added`` a whole paragraph; ``rewritten`` a paragraph whose pieces
    say which words changed.
    """

    kind: str
    pieces: tuple[Piece, ...] = ()
    unchanged: int = 0


def changes_since_previous(check) -> tuple:
    """The source's good check before ``check`` (a good one) and the blocks
    that turn its text into ``check``'s; 404 when ``check`` is the first."""
    previous = check.previous_good()
    if previous is None:
        raise Http404("This is the first good check of the source; there is nothing to compare it with.")
    return previous, text_changes(previous.text, check.text)


def paragraphs(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def text_changes(before: str, after: str) -> list[Block]:
    """The blocks that turn ``before`` into ``after``."""
    old, new = paragraphs(before), paragraphs(after)
    blocks = []
    for operation, old_start, old_end, new_start, new_end in SequenceMatcher(
        None, old, new, autojunk=False
    ).get_opcodes():
        if operation == "equal":
            blocks.append(Block("unchanged", unchanged=old_end - old_start))
            continue
        removed, added = old[old_start:old_end], new[new_start:new_end]
        # Paragraphs rewritten in place are paired in order; the rest were removed or added whole.
        for old_paragraph, new_paragraph in zip(removed, added, strict=False):
            blocks.append(rewritten_paragraph(old_paragraph, new_paragraph))
        blocks += [Block("removed", (Piece("removed", paragraph),)) for paragraph in removed[len(added) :]]
        blocks += [Block("added", (Piece("added", paragraph),)) for paragraph in added[len(removed) :]]
    return blocks


def rewritten_paragraph(before: str, after: str) -> Block:
    """``before`` rewritten as ``after``, word by word (character by character
    in Chinese), or removed and added whole when they share too little."""
    old, new = _TOKEN.findall(before), _TOKEN.findall(after)
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    if len(old) + len(new) > MAX_TOKENS_COMPARED or matcher.ratio() < MIN_SHARED:
        return Block("rewritten", (Piece("removed", before), Piece("added", after)))
    pieces = []
    for operation, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        if operation == "equal":
            pieces.append(Piece("same", "".join(old[old_start:old_end])))
            continue
        if old_end > old_start:
            pieces.append(Piece("removed", "".join(old[old_start:old_end])))
        if new_end > new_start:
            pieces.append(Piece("added", "".join(new[new_start:new_end])))
    return Block("rewritten", tuple(pieces))
