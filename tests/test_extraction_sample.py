"""The sample article of ../shared/DESIGN.md, pasted as text, gives the five
claims of DESIGN.md's table with their figures, qualifiers, populations and
claimants."""

from pathlib import Path

import pytest

from claims.choices import BoundQualifier, CasualtyCategory, ClaimKind, Population, Presence
from intelligence.extraction import suggest_claims
from intelligence.figures import FigureCandidate
from tests.samples import sample_article


@pytest.fixture(scope="module")
def candidates():
    return suggest_claims(sample_article())


def only(candidates, words):
    found = [candidate for candidate in candidates if words in candidate.sentence]
    assert len(found) == 1, [candidate.sentence for candidate in candidates]
    return found[0]


def test_at_least_27_killed_and_200_injured_per_local_armenians_carried_by_reuters(candidates):
    candidate = only(candidates, "至少有27人死亡")
    assert candidate.kind == ClaimKind.CASUALTY_FIGURE
    assert candidate.language == "zh"
    assert "亚美尼亚人" in candidate.claimant
    assert candidate.outlet == "路透社"
    assert candidate.figures == [
        FigureCandidate(CasualtyCategory.KILLED, Population.ALL, BoundQualifier.AT_LEAST, 27, None),
        FigureCandidate(CasualtyCategory.INJURED, Population.ALL, BoundQualifier.EXACT, 200, None),
    ]
    assert candidate.sentence.startswith("而在纳卡地区的亚美尼亚人则称") and candidate.sentence.endswith("疏散。")


def test_at_least_6_killed_by_mines_4_soldiers_and_2_civilians_per_azerbaijan_foreign_ministry(candidates):
    candidate = only(candidates, "地雷爆炸而丧生")
    assert candidate.kind == ClaimKind.CASUALTY_FIGURE
    assert candidate.claimant == "阿塞拜疆外交部"
    assert candidate.figures == [
        FigureCandidate(CasualtyCategory.KILLED, Population.ALL, BoundQualifier.AT_LEAST, 6, None),
        FigureCandidate(CasualtyCategory.KILLED, Population.MILITARY, BoundQualifier.AT_LEAST, 4, None),
        FigureCandidate(CasualtyCategory.KILLED, Population.CIVILIANS, BoundQualifier.AT_LEAST, 2, None),
    ]


def test_armenian_armed_forces_not_present_per_armenia(candidates):
    candidate = only(candidates, "并没有出现在纳卡地区")
    assert candidate.kind == ClaimKind.TROOP_PRESENCE
    assert candidate.claimant.startswith("亚美尼亚")
    assert [(p.force, p.place, p.presence) for p in candidate.presences] == [
        ("亚美尼亚武装部队", "纳卡地区", Presence.ABSENT)
    ]
    assert candidate.figures == []


def test_azerbaijan_expelling_armenian_armed_forces_says_they_are_present(candidates):
    """The other side of the troop-presence dispute: the claim that
    contradicts Armenia's, once both are dated."""
    candidate = only(candidates, "驱逐亚美尼亚武装部队")
    assert (candidate.kind, candidate.claimant) == (ClaimKind.TROOP_PRESENCE, "阿塞拜疆")
    assert [(p.force, p.place, p.presence) for p in candidate.presences] == [
        ("亚美尼亚武装部队", "纳卡地区", Presence.PRESENT)
    ]


def test_aliyev_says_only_military_targets_are_struck(candidates):
    candidate = only(candidates, "打击的是军事目标")
    assert candidate.kind == ClaimKind.STATEMENT
    assert candidate.claimant == "阿塞拜疆总统伊利哈姆·阿利耶夫"
    assert candidate.figures == []  # "平民" here counts no one


def test_aliyev_statement_carried_by_tass(candidates):
    candidate = only(candidates, "塔斯社报道称")
    assert candidate.claimant == "阿塞拜疆总统阿利耶夫"
    assert candidate.outlet == "塔斯社"


def test_120000_people_live_there_per_local_armenians(candidates):
    candidate = only(candidates, "12万人")
    assert candidate.kind == ClaimKind.STATISTIC
    assert candidate.claimant == "纳卡地区的亚美尼亚族人"
    assert candidate.counts == [120_000]
    assert candidate.figures == []  # a population, not a toll


def test_no_date_or_year_of_the_article_is_taken_as_a_figure(candidates):
    figures = [figure for candidate in candidates for figure in candidate.figures]
    assert sorted(figure.low for figure in figures) == [2, 4, 6, 27, 200]


def test_a_pronoun_stands_for_the_last_claimant_of_its_paragraph(candidates):
    assert only(candidates, "他还在同美国国务卿布林肯通电话时表示").claimant == "阿塞拜疆总统伊利哈姆·阿利耶夫"


def test_a_quote_stays_with_its_attribution(candidates):
    candidate = only(candidates, "消除平民伤亡")
    assert candidate.sentence.endswith("俄罗斯外交部在其“Telegram”账号上发布的一份声明中表示。")
    assert candidate.claimant == "俄罗斯外交部"


def test_the_same_story_in_english_gives_the_same_five_claims():
    """tests/data/article_en_karabakh.txt: the sample's story retold in the
    style of English wire copy (our own text), with the five claims of the table."""
    text = (Path(__file__).parent / "data" / "article_en_karabakh.txt").read_text(encoding="utf-8")
    candidates = suggest_claims(text)
    assert {candidate.language for candidate in candidates} == {"en"}

    toll = only(candidates, "At least 27 people")
    assert toll.claimant == "Ethnic Armenians in the region"  # "they said", after the paragraph's first sentence
    assert toll.figures == [
        FigureCandidate(CasualtyCategory.KILLED, Population.ALL, BoundQualifier.AT_LEAST, 27, None),
        FigureCandidate(CasualtyCategory.INJURED, Population.ALL, BoundQualifier.EXACT, 200, None),
    ]
    mines = only(candidates, "landmines")
    assert mines.claimant == "Azerbaijan's foreign ministry"
    assert [(f.population, f.low) for f in mines.figures] == [
        (Population.ALL, 6),
        (Population.MILITARY, 4),
        (Population.CIVILIANS, 2),
    ]
    presence = only(candidates, "Armenian troops are not present")
    assert presence.claimant == "Armenia's defence ministry"
    assert [(p.force, p.place, p.presence) for p in presence.presences] == [
        ("Armenian troops", "Nagorno-Karabakh", Presence.ABSENT)
    ]
    targets = only(candidates, "legitimate military targets")
    assert (targets.kind, targets.claimant) == (ClaimKind.STATEMENT, "President Ilham Aliyev")
    assert only(candidates, "TASS reported").outlet == "TASS"
    population = only(candidates, "120,000 people")
    assert (population.kind, population.counts) == (ClaimKind.STATISTIC, [120_000])
    assert all(not candidate.figures for candidate in candidates if "2,000 peacekeepers" in candidate.sentence)
