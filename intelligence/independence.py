"""Which sources carry the same report: pure, no database.

Three outlets running one wire story are one source, not three. Two pages
are taken for the same report when

- they credit the same wire agency as the story's origin: the source's
  ``via_agency``, or a credit in the text's opening (``credited_agency``:
  "(Reuters) -", "MOSCOW, March 1 (TASS)", "新华社北京3月1日电",
  "（路透社）"); only the opening is read, since an article that cites
  Reuters further down is not a Reuters story; or
- their texts are near-duplicates: the Jaccard similarity of their shingle
  sets is at least ``COPY_JACCARD``.

Shingles (``shingles``): overlapping runs of three words for English and
other space-separated languages, of three characters for Chinese (which has
no spaces; two characters are too common a pair to tell stories apart, three
already form a rare sequence). Text is NFKC-normalised and case-folded first,
and punctuation dropped, so that typographic quotes or full-width digits do
not split a copy from its original.

Comparing every pair of 100,000 texts is out of reach, so candidates are
found with MinHash and locality-sensitive hashing: a 128-value MinHash
signature per text (datasketch's ``MinHash``, hashing shingles with CRC-32,
which is stable across processes, unlike Python's ``hash``, and four times
faster than the default SHA-1), cut into ``BANDS`` bands of ``ROWS`` values;
two texts sharing any band are candidates, which happens with probability
``1 - (1 - J**ROWS) ** BANDS`` for Jaccard similarity J. With 42 bands of 3
rows, a pair at the confirmation threshold 0.5 becomes a candidate 99.6% of
the time (0.6: >99.99%), while a pair at 0.2 does so 29% of the time and at
0.1 4%; unrelated news texts share almost no three-word runs (J < 0.05), so
candidates stay few. Every candidate is then confirmed by the exact Jaccard
similarity of the two shingle sets, so the estimate never decides.

Why 0.5: outlets that run a wire story cut its last paragraphs, add a
headline, a byline, a sentence of their own or "Related:" links. A copy that
keeps two thirds of the original and adds nothing is at J = 0.67; one that
also adds a fifth of its own is near 0.55. Two independent reports of one
incident, even with the same toll and place names, reuse short phrases but
few runs of three words (J well under 0.2 in the labelled tests), so 0.5
leaves a wide margin on both sides.
"""

import hashlib
import itertools
import re
import unicodedata
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from datasketch import MinHash

NUM_PERM = 128
BANDS = 42
ROWS = 3
COPY_JACCARD = 0.5
SHINGLE_SIZE = 3
# The opening of a text in which a wire agency's credit is looked for.
CREDIT_WINDOW = 300
_SEED = 16

# Each agency by the name it is shown with, and how its credit is written.
AGENCIES = {
    "Reuters": ("Reuters", "路透社"),
    "AP": ("AP", "Associated Press", "美联社"),
    "AFP": ("AFP", "Agence France-Presse", "法新社"),
    "Xinhua": ("Xinhua", "新华社"),
    "TASS": ("TASS", "塔斯社"),
}
_AGENCY_OF = {alias.casefold(): name for name, aliases in AGENCIES.items() for alias in aliases}
_ALIASES = "|".join(re.escape(alias) for aliases in AGENCIES.values() for alias in aliases)
# A credit in brackets, "(Reuters)" or "（路透社）", or a Chinese dateline that
# names the agency and ends in 电 ("新华社北京3月1日电").
_CREDIT = re.compile(rf"[(（]\s*({_ALIASES})\s*[)）]|({_ALIASES})[^。，,.\n]{{0,20}}电", re.IGNORECASE)
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"\w+")
_LETTER = re.compile(r"[^\W\d_]")


def credited_agency(text: str) -> str:
    """The wire agency the opening of ``text`` credits as origin, else ""."""
    match = _CREDIT.search(text[:CREDIT_WINDOW])
    if match is None:
        return ""
    return _AGENCY_OF[(match[1] or match[2]).casefold()]


def agency_name(name: str) -> str:
    """The name an agency is shown with ("路透社" and "Reuters" are "Reuters"):
    a ``via_agency`` outlet's name and a credit in a text agree."""
    return _AGENCY_OF.get(name.strip().casefold(), name.strip())


def shingles(text: str) -> set[str]:
    """The shingles of ``text``: three-word runs, or three-character runs
    for Chinese. A text shorter than one shingle is its one shingle."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    words = _WORD.findall(folded)
    if _is_chinese(folded):
        chars = "".join(words)
        return set(map("".join, _runs(chars))) or ({chars} if chars else set())
    return set(map(" ".join, _runs(words))) or ({" ".join(words)} if words else set())


def _runs(items):
    """The runs of ``SHINGLE_SIZE`` consecutive items, as tuples, built in C
    (building them in Python was a third of the time to group 100,000 texts)."""
    return zip(*(items[offset:] for offset in range(SHINGLE_SIZE)), strict=False)  # the tails run out early


def _is_chinese(text: str) -> bool:
    if text.isascii():  # most texts, told at once
        return False
    letters = len(_LETTER.findall(text))
    return letters > 0 and len(_CJK.findall(text)) * 3 >= letters


def jaccard(a: set, b: set) -> float:
    if not a or not b:
        return 0.0
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared)


# Each band's place in a signature's bytes (four per value) and the salt of its key.
_BAND_BYTES = ROWS * 4
_BAND_SLICES = [(band * _BAND_BYTES, bytes([band])) for band in range(BANDS)]


def band_keys(shingle_sets: list[set[str]]) -> list[list[int]]:
    """The LSH band keys of each shingle set: ``BANDS`` signed 64-bit
    integers, each a hash of one band of the MinHash signature and its
    number (so that equal values in different bands never meet)."""
    signatures = MinHash.bulk(
        [[shingle.encode("utf-8", "surrogatepass") for shingle in shingle_set] for shingle_set in shingle_sets],
        num_perm=NUM_PERM,
        seed=_SEED,
        hashfunc=zlib.crc32,
    )
    keys = []
    for shingle_set, signature in zip(shingle_sets, signatures, strict=True):
        if not shingle_set:
            keys.append([])
            continue
        values = signature.hashvalues.astype("<u4").tobytes()
        keys.append(
            [
                int.from_bytes(
                    hashlib.blake2b(values[start : start + _BAND_BYTES], digest_size=8, salt=salt).digest(),
                    "little",
                    signed=True,
                )
                for start, salt in _BAND_SLICES
            ]
        )
    return keys


@dataclass
class Report:
    """What grouping needs of one source: its id, the agency it came
    through (``via_agency`` or the credit in its text, "" if none), its
    text's shingles and their band keys."""

    id: int
    agency: str = ""
    shingles: set[str] = field(default_factory=set)
    bands: list[int] = field(default_factory=list)


def copy_pairs(reports: Iterable[Report]) -> set[tuple[int, int]]:
    """The pairs of ``reports`` whose texts are near-duplicates: sharing a
    band key, then confirmed by the exact Jaccard similarity.

    The texts sharing a key are found by sorting every key once with its
    text (numpy), rather than a dictionary of millions of one-text buckets:
    nearly every key belongs to one text alone."""
    reports = list(reports)
    keys = np.fromiter(itertools.chain.from_iterable(report.bands for report in reports), dtype=np.int64)
    owners = np.repeat(np.arange(len(reports)), [len(report.bands) for report in reports])
    order = np.argsort(keys, kind="stable")
    keys, owners = keys[order], owners[order]
    starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
    sizes = np.diff(np.append(starts, len(keys)))
    candidates = set()
    for start, size in zip(starts[sizes > 1].tolist(), sizes[sizes > 1].tolist(), strict=True):
        candidates.update(itertools.combinations(sorted(set(owners[start : start + size].tolist())), 2))
    pairs = set()
    for first, second in candidates:
        a, b = reports[first], reports[second]
        if jaccard(a.shingles, b.shingles) >= COPY_JACCARD:
            pairs.add((min(a.id, b.id), max(a.id, b.id)))
    return pairs


def group_copies(reports: Iterable[Report]) -> dict[int, int]:
    """Each report's group: the smallest id among the reports linked to it,
    directly or through others, by a shared agency or a near-duplicate text."""
    reports = list(reports)
    parent = {report.id: report.id for report in reports}

    def root(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    def join(a: int, b: int) -> None:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    first_of_agency = {}
    for report in reports:
        if report.agency:
            join(report.id, first_of_agency.setdefault(report.agency, report.id))
    for a, b in copy_pairs(reports):
        join(a, b)
    return {report.id: root(report.id) for report in reports}


def report_for(source_id: int, text: str, via_agency: str = "") -> Report:
    """The ``Report`` of one source's text (with its band keys)."""
    shingle_set = shingles(text)
    return Report(
        id=source_id,
        agency=agency_name(via_agency) if via_agency else credited_agency(text),
        shingles=shingle_set,
        bands=band_keys([shingle_set])[0],
    )
