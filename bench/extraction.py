"""Benchmark: claims suggested from an article, against the labelled set.

    python bench/extraction.py

Prints precision and recall per language and per field (casualty figures
with their category, population, qualifier and bounds; claimant; outlet;
troop presence) over intelligence/fixtures/extraction_labelled.jsonl, for
each of its two parts (see intelligence/evaluation.py) and in all, every
miss, and the time to suggest claims from a 10,000-character article in each
language (target: under 2 s): the suggestion alone, and the ingest page's
whole answer (the view run in this process, its forms rendered), for two
articles per language: news copy (the sample article of ../shared/, and our
English retelling of it, repeated to that length) and the labelled
sentences back to back, where every sentence is a claim to review (the
densest page there can be). The page is asked through Django's test client,
as a reviewer of a SQLite database made for the benchmark (DATABASE_URL, by
default bench_extraction.sqlite3 in the system's temporary folder, migrated
on first use).
"""

import logging
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{Path(tempfile.gettempdir()) / 'bench_extraction.sqlite3'}")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from accounts.roles import Role  # noqa: E402
from intelligence.evaluation import FIELDS, evaluate, load_labelled_set  # noqa: E402
from intelligence.extraction import suggest_claims  # noqa: E402
from tests.samples import sample_article  # noqa: E402

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


def news_copy(language: str) -> str:
    """A news article of 10,000 characters: the sample (Chinese) or its English retelling, repeated."""
    story = sample_article() if language == "zh" else (ROOT / "tests" / "data" / "article_en_karabakh.txt").read_text()
    return ("\n\n".join([story] * (ARTICLE_CHARS // len(story) + 1)))[:ARTICLE_CHARS]


def reviewer_client() -> Client:
    """A test client signed in as a reviewer of the benchmark's database."""
    logging.disable(logging.INFO)  # a line per request would bury the figures
    call_command("migrate", verbosity=0)
    reviewer, _created = User.objects.get_or_create(username="bench-reviewer")
    reviewer.groups.add(Group.objects.get(name=Role.REVIEWER))
    # Not under setup_test_environment, whose copy of every template's context would be timed too.
    client = Client(HTTP_HOST="localhost")
    client.force_login(reviewer)
    return client


def page_answer(client: Client, text: str) -> tuple[int, int]:
    """The ingest page's answer to ``text``: its status and size."""
    response = client.post(reverse("intelligence:ingest"), {"text": text, "article_url": "https://a.test/"})
    return response.status_code, len(response.content)


def timed(call, *args, runs: int = TIMED_RUNS) -> tuple[object, float, float]:
    """What ``call(*args)`` gives, and its best and worst time of ``runs`` in milliseconds."""
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        result = call(*args)
        timings.append((time.perf_counter() - started) * 1000)
    return result, min(timings), max(timings)


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
    client = reviewer_client()
    for language in ("en", "zh"):
        for kind, text in (("news copy", news_copy(language)), ("labelled sentences", article(rows, language))):
            candidates, best, worst = timed(suggest_claims, text)
            (status, size), page_best, page_worst = timed(page_answer, client, text, runs=3)
            assert status == 200, status
            print(
                f"{language}, {kind}: {len(text):,} characters -> {len(candidates)} candidates; suggested in "
                f"{best:.0f} ms (best of {TIMED_RUNS}), {worst:.0f} ms (worst); "
                f"the page's answer ({size / 1e6:.1f} MB) in {page_best:.0f} ms (best of 3), "
                f"{page_worst:.0f} ms (worst); target < 2000 ms"
            )


if __name__ == "__main__":
    main()
