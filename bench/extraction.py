"""Benchmark: claims suggested from an article, against the labelled set.

    python bench/extraction.py

Prints precision and recall per language and per field (casualty figures
with their category, population, qualifier and bounds; claimant; outlet;
troop presence) over intelligence/fixtures/extraction_labelled.jsonl, for
each of its two parts (see intelligence/evaluation.py) and in all, every
miss, and the time to suggest claims from a 10,000-character article in each
language (target: under 2 s). Needs no database.
"""

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

import django  # noqa: E402

django.setup()

from intelligence.evaluation import FIELDS, evaluate, load_labelled_set  # noqa: E402
from intelligence.extraction import suggest_claims  # noqa: E402

ARTICLE_CHARS = 10_000
TIMED_RUNS = 5


def article(rows: list[dict], language: str) -> str:
    """A 10,000-character article made of the labelled sentences, four to a paragraph."""
    sentences = [row["sentence"] for row in rows if row["language"] == language]
    paragraphs, length, index = [], 0, 0
    while length < ARTICLE_CHARS:
        paragraph = (" " if language == "en" else "").join(
            sentences[(index + offset) % len(sentences)] for offset in range(4)
        )
        paragraphs.append(paragraph)
        length += len(paragraph) + 2
        index += 4
    return "\n\n".join(paragraphs)[:ARTICLE_CHARS]


def print_scores(title: str, rows: list[dict]) -> dict:
    scores = evaluate(rows)
    for language in ("en", "zh"):
        count = sum(row["language"] == language for row in rows)
        print(f"\n{title}, {language}: {count} sentences")
        for field in FIELDS:
            score = scores[(language, field)]
            print(
                f"  {field:<10} precision {score.precision:.2f}  recall {score.recall:.2f}"
                f"  ({score.found} right of {score.predicted} found, {score.expected} expected)"
            )
    return scores


def main() -> None:
    rows = load_labelled_set()
    for split in ("first", "second"):
        print_scores(f"Part {split!r}", [row for row in rows if row["split"] == split])
    scores = print_scores("Whole set", rows)
    print("\nMisses:")
    misses = [(key, miss) for key, score in sorted(scores.items()) for miss in score.misses]
    for (language, field), miss in misses:
        print(f"  [{language} {field}] {miss}")
    if not misses:
        print("  none")
    print()
    for language in ("en", "zh"):
        text = article(rows, language)
        timings = []
        for _ in range(TIMED_RUNS):
            started = time.perf_counter()
            candidates = suggest_claims(text)
            timings.append(time.perf_counter() - started)
        print(
            f"{language}: {len(text):,} characters -> {len(candidates)} candidates in "
            f"{min(timings) * 1000:.0f} ms (best of {TIMED_RUNS}), {max(timings) * 1000:.0f} ms (worst);"
            " target < 2000 ms"
        )


if __name__ == "__main__":
    main()
