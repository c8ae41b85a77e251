"""The floors of claim suggestion over the labelled set: a change that makes
the rules worse on figures, claimants or presence fails here.

The set (intelligence/fixtures/extraction_labelled.jsonl) holds at least 40
sentences in each language, with every number form the rules read and
sentences whose numbers are no casualties (dates, ages, distances, money,
ordinals, times, percentages, troop strengths)."""

import pytest

from intelligence.evaluation import evaluate, load_labelled_set

FLOOR = 0.9


@pytest.fixture(scope="module")
def scores():
    return evaluate(load_labelled_set())


def test_the_labelled_set_has_forty_sentences_in_each_language():
    rows = load_labelled_set()
    assert sum(row["language"] == "en" for row in rows) >= 40
    assert sum(row["language"] == "zh" for row in rows) >= 40
    assert sum(not row["figures"] for row in rows) >= 20  # sentences whose numbers are no casualties


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("field", ["figures", "claimant", "presences"])
def test_precision_and_recall_stay_above_the_floor(scores, language, field):
    score = scores[(language, field)]
    misses = "\n".join(score.misses)
    assert score.precision >= FLOOR, misses
    assert score.recall >= FLOOR, misses
