"""Precision and recall of claim suggestion against the labelled set
(fixtures/extraction_labelled.jsonl), per language and per field.

Each line of the set is one sentence of wire copy with what a reviewer
would file from it: its casualty figures (category, population, qualifier,
low, high), claimant, outlet and troop-presence statements. A figure counts
as found only when all five of its parts are right. Names are compared
case-insensitively and without a leading "the". Used by bench/extraction.py
and by the test that holds the floors.

The set has two parts (``split``): "first", 100 sentences written while the
rules were, and "second", 40 written after them and measured once before
any rule was changed for them (figures: precision and recall 0.94 in each
language; claimant 1.00/0.95 in English, 1.00/1.00 in Chinese; presence
0.00/0.00 in English, 1.00/0.67 in Chinese). The second part is the fairer
estimate of how the rules do on copy they were not written for.
"""

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .extraction import suggest_from_sentence

LABELLED_SET = Path(__file__).with_name("fixtures") / "extraction_labelled.jsonl"
FIELDS = ("figures", "claimant", "outlet", "presences")


@dataclass
class Score:
    found: int = 0  # right predictions
    predicted: int = 0
    expected: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.found / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.expected if self.expected else 1.0


def load_labelled_set(path: Path = LABELLED_SET) -> list[dict]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def _name(value: str) -> str:
    value = " ".join(value.split()).casefold()
    return value.removeprefix("the ")


def _predicted(row: dict) -> dict[str, Counter]:
    candidate = suggest_from_sentence(row["sentence"], row["language"])
    if candidate is None:
        return {name: Counter() for name in FIELDS}
    return {
        "figures": Counter(
            (str(f.category), str(f.population), str(f.qualifier), f.low, f.high) for f in candidate.figures
        ),
        "claimant": Counter([_name(candidate.claimant)] if candidate.claimant else []),
        "outlet": Counter([_name(candidate.outlet)] if candidate.outlet else []),
        "presences": Counter((_name(p.force), _name(p.place), str(p.presence)) for p in candidate.presences),
    }


def _expected(row: dict) -> dict[str, Counter]:
    return {
        "figures": Counter(
            (f["category"], f["population"], f["qualifier"], f["low"], f["high"]) for f in row["figures"]
        ),
        "claimant": Counter([_name(row["claimant"])] if row["claimant"] else []),
        "outlet": Counter([_name(row["outlet"])] if row["outlet"] else []),
        "presences": Counter((_name(p["force"]), _name(p["place"]), p["presence"]) for p in row["presences"]),
    }


def evaluate(rows: list[dict]) -> dict[tuple[str, str], Score]:
    """Scores keyed by (language, field), over ``rows`` (all of the set, or one split of it)."""
    scores: dict[tuple[str, str], Score] = {}
    for row in rows:
        predicted, expected = _predicted(row), _expected(row)
        for name in FIELDS:
            score = scores.setdefault((row["language"], name), Score())
            right = predicted[name] & expected[name]
            score.found += sum(right.values())
            score.predicted += sum(predicted[name].values())
            score.expected += sum(expected[name].values())
            if predicted[name] != expected[name]:
                wrong = sorted(map(str, (predicted[name] - expected[name]).elements()))
                lost = sorted(map(str, (expected[name] - predicted[name]).elements()))
                score.misses.append(f"{row['sentence']}\n      got {wrong or '-'}; missed {lost or '-'}")
    return scores
