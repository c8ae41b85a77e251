"""The suggested claims a reviewer keeps are created in one step, through
claims/services.py, linked to the article with their sentences as quoted
passages; a refusal or a bad field creates nothing."""

import dataclasses

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from claims.choices import BoundQualifier, CasualtyCategory, ClaimKind, LogAction, Population, Presence
from claims.models import Actor, Claim, ClaimSource, Place
from intelligence.extraction import suggest_claims
from intelligence.services import create_suggested_claims
from sources.models import Source

ARTICLE_URL = "https://news.example.org/nagorno-karabakh-2023-09-20"
ARTICLE = (
    "路透社报道称，阿塞拜疆国防部9月20日表示，其军事行动“继续取得成功”。"
    "而在纳卡地区的亚美尼亚人则称，战斗仍在以不同的强度继续进行，当地至少有27人死亡，200人受伤，一些村庄的居民已经被疏散。\n\n"
    "阿塞拜疆外交部称，至少有6人（4名士兵和2名平民）在两起不同的事件中，因亚美尼亚安全部队设置的地雷爆炸而丧生。\n\n"
    "亚美尼亚方面则表示，其武装部队并没有出现在纳卡地区，其国防部发表声明称，该国与阿塞拜疆边境地区的局势是稳定的。"
)


@pytest.fixture
def kept():
    candidates = suggest_claims(ARTICLE)
    return [c for c in candidates if c.kind in (ClaimKind.CASUALTY_FIGURE, ClaimKind.TROOP_PRESENCE)]


def test_kept_candidates_become_claims_linked_to_one_source(reviewer, kept):
    assert len(kept) == 3
    claims = create_suggested_claims(reviewer, ARTICLE_URL, kept, event_name="Nagorno-Karabakh offensive 2023")

    assert [claim.kind for claim in claims] == [
        ClaimKind.CASUALTY_FIGURE,
        ClaimKind.CASUALTY_FIGURE,
        ClaimKind.TROOP_PRESENCE,
    ]
    assert Source.objects.count() == 1
    links = ClaimSource.objects.filter(source__url=ARTICLE_URL).order_by("claim_id")
    assert [link.quoted_passage for link in links] == [candidate.sentence for candidate in kept]
    assert {claim.event.name for claim in claims} == {"Nagorno-Karabakh offensive 2023"}

    toll = claims[0]
    assert toll.text == kept[0].sentence and toll.language == "zh" and toll.submitter == reviewer
    assert toll.claimant.name == "纳卡地区的亚美尼亚人"
    assert [(f.category, f.population, f.qualifier, f.low, f.high) for f in toll.casualty_figures.all()] == [
        (CasualtyCategory.INJURED, Population.ALL, BoundQualifier.EXACT, 200, None),
        (CasualtyCategory.KILLED, Population.ALL, BoundQualifier.AT_LEAST, 27, None),
    ]
    mines = claims[1]
    assert sorted((f.population, f.low) for f in mines.casualty_figures.all()) == [
        (Population.ALL, 6),
        (Population.CIVILIANS, 2),
        (Population.MILITARY, 4),
    ]
    presence = claims[2].troop_presences.get()
    assert (presence.force.name, presence.place.name, presence.presence) == (
        "亚美尼亚武装部队",
        "纳卡地区",
        Presence.ABSENT,
    )
    assert all(claim.log.filter(action=LogAction.CREATED).exists() for claim in claims)


def test_a_reviewers_correction_is_what_is_filed(reviewer, kept):
    corrected = dataclasses.replace(kept[0], claimant="Local Armenians")
    (claim,) = create_suggested_claims(reviewer, ARTICLE_URL, [corrected])
    assert claim.claimant.name == "Local Armenians"


def test_one_bad_candidate_creates_nothing(reviewer, kept):
    bad_figure = dataclasses.replace(kept[0].figures[0], low=None)  # "at least" with no bound
    broken = dataclasses.replace(kept[1], figures=[bad_figure])
    with pytest.raises(ValidationError):
        create_suggested_claims(reviewer, ARTICLE_URL, [kept[0], broken])
    assert Claim.objects.count() == 0
    assert Source.objects.count() == 0
    assert Actor.objects.count() == 0 and Place.objects.count() == 0


def test_someone_without_a_role_creates_nothing(outsider, kept):
    with pytest.raises(PermissionDenied):
        create_suggested_claims(outsider, ARTICLE_URL, kept)
    assert Claim.objects.count() == 0
