"""Near-duplicate claims are found among all claims, in Chinese and English,
on PostgreSQL and on SQLite alike."""

import pytest

from claims.choices import Language
from claims.models import Claim
from claims.search import search_tokens
from claims.similar import similar_claims

pytestmark = pytest.mark.django_db

MINES = "至少有6人（4名士兵和2名平民）因亚美尼亚安全部队设置的地雷爆炸而丧生"


def test_a_chinese_near_duplicate_is_found(claim_factory):
    existing = claim_factory(text=MINES, language=Language.ZH)
    claim_factory(text="阿塞拜疆国防部说，军事行动只针对军事目标", language=Language.ZH)

    found = similar_claims("至少有6人（4名士兵和2名平民）因亚美尼亚部队设置的地雷爆炸而丧生")

    assert [claim for claim, _score in found] == [existing]


def test_an_english_near_duplicate_is_found_by_its_translation(claim_factory):
    existing = claim_factory(text=MINES, language=Language.ZH, translation="At least 6 killed by mines, say officials")

    found = similar_claims("At least 6 killed by mines, officials say")

    assert [claim for claim, _score in found] == [existing]


def test_a_near_duplicate_is_found_among_hundreds_of_newer_claims(claim_factory, reviewer):
    # On SQLite the candidates were the first 200 claims whatever they said,
    # newest first, so an older duplicate went unnoticed.
    existing = claim_factory(text="Shelling of the central market in Stepanakert killed 12 people on Tuesday")
    texts = [f"Convoy number {n} reached the border crossing" for n in range(250)]
    Claim.objects.bulk_create(
        Claim(text=text, language=Language.EN, submitter=reviewer, search_tokens=search_tokens(text)) for text in texts
    )

    found = similar_claims("Shelling of the central market in Stepanakert killed 12 people on Tuesday.")

    assert [claim for claim, _score in found] == [existing]


def test_nothing_is_similar_to_a_text_without_words(claim_factory):
    claim_factory(text="Shelling reported")
    assert similar_claims("…") == []
