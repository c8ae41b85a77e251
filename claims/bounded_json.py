"""Reading JSON that comes from outside, with its nesting bounded.

Python's ``json`` parser recurses once per level of nesting: a document
nested a thousand levels deep raises ``RecursionError`` (a crash, not an
error about the input). ``loads`` measures the nesting first, in one pass
that stops at the limit, and refuses a deeper document with ``JSONTooDeep``,
a ``ValueError`` like every other complaint about the text. The API's
parser and the JSON import both read through it.
"""

import json
import re

# A claim with its figures is nested three levels deep, an import file of
# claims four: twenty leaves room for what a client may add without letting
# a document near the interpreter's recursion limit.
MAX_DEPTH = 20

# What changes the nesting: brackets outside strings. A backslash and the
# character it escapes are one token, so that an escaped quote does not end a string.
_TOKENS = re.compile(r'\\.|["\[\]{}]', re.DOTALL)
_OPENERS = frozenset("[{")
_CLOSERS = frozenset("]}")


class JSONTooDeep(ValueError):
    def __init__(self, limit: int):
        super().__init__(f"JSON may be nested at most {limit} levels deep; this is nested more than {limit}.")
        self.limit = limit


def check_depth(text: str, limit: int = MAX_DEPTH) -> None:
    """Raise ``JSONTooDeep`` if ``text`` opens more than ``limit`` arrays or
    objects inside one another. Malformed text is left to the parser."""
    depth = 0
    in_string = False
    for token in _TOKENS.finditer(text):
        char = token.group()
        if char == '"':
            in_string = not in_string
        elif in_string:
            continue
        elif char in _OPENERS:
            depth += 1
            if depth > limit:
                raise JSONTooDeep(limit)
        elif char in _CLOSERS:
            depth -= 1


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a JSON number.")


def loads(text: str, *, max_depth: int = MAX_DEPTH):
    """``json.loads`` for text from outside: refuses nesting deeper than
    ``max_depth`` and the non-standard ``NaN`` and ``Infinity``."""
    check_depth(text, max_depth)
    return json.loads(text, parse_constant=_refuse_constant)
