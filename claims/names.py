"""How names that people type are compared.

A party, place or event is typed by hand on the submit page, in import files
and through the API, by people using different keyboards: "Local Armenians",
"local  armenians" and the full-width "ＬＯＣＡＬ　ＡＲＭＥＮＩＡＮＳ" of a
Chinese input method are one party. ``name_key`` is what such names share;
the models store it beside the name (indexed) so that ``claims.lookups``
finds a row by it. This module knows no models, so that both can use it.
"""

import unicodedata


def tidy_name(name: str) -> str:
    """``name`` as it is stored: runs of whitespace (full-width spaces too)
    made one space, nothing at either end; otherwise as typed."""
    return " ".join(name.split())


def name_key(name: str) -> str:
    """What two names that mean the same party share: compatibility forms
    folded (NFKC: full-width letters, ligatures), case folded (``casefold``:
    "Straße" and "STRASSE" agree) and whitespace collapsed."""
    # NFKC again after case folding, which can leave a form NFKC would change.
    return tidy_name(unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold()))
