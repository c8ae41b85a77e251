"""Search finds claims by English words and by Chinese text, on PostgreSQL and SQLite."""

import pytest
from django.db import connection

from claims.filters import ClaimFilterSet
from claims.models import Claim
from claims.search import search_claims, tokenize

pytestmark = pytest.mark.django_db

KILLED = "在纳卡地区的亚美尼亚人则称，当地至少有27人死亡，200人受伤"
MINES = "至少有6人（4名士兵和2名平民）因亚美尼亚安全部队设置的地雷爆炸而丧生"


def search(query):
    return set(ClaimFilterSet({"q": query}, queryset=Claim.objects.all()).qs.values_list("text", flat=True))


def test_cjk_runs_become_bigrams_and_english_words_their_stems():
    assert tokenize("至少有27人死亡, Killed") == ["至少", "少有", "27", "人死", "死亡", "kill"]


def test_full_width_digits_match_half_width():
    assert tokenize("２７人") == tokenize("27人")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("地雷", {MINES}),
        ("27人死亡", {KILLED}),
        ("亚美尼亚", {KILLED, MINES}),
        ("injured", {KILLED}),
        ("MINES soldiers", {MINES}),
        ("地雷 27人死亡", set()),
    ],
)
def test_search_finds_chinese_and_english(claim_factory, query, expected):
    claim_factory(text=KILLED, translation="At least 27 killed and 200 injured, say local Armenians")
    claim_factory(text=MINES, translation="At least 6 killed by mines: 4 soldiers and 2 civilians")
    assert search(query) == expected


def test_a_number_does_not_match_inside_a_longer_number(claim_factory):
    claim_factory(text="127 people were evacuated")
    assert search("27") == set()


@pytest.mark.postgresql
def test_search_is_served_by_the_gin_index(claim_factory):
    claim_factory(text="阿塞拜疆说6人被地雷炸死")
    with connection.cursor() as cursor:
        # A GIN index is read only by a bitmap scan: with plain scans off, the
        # planner cannot take the ordering's index and filter row by row instead.
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("SET enable_indexscan = off")
    plan = search_claims(Claim.objects.all(), "地雷").explain()
    assert "claims_claim_search_gin" in plan


def test_a_search_pages_the_newest_matches_among_many(claim_factory):
    # More matches than a page, among claims that do not match: the page is
    # the newest matches, in order (PostgreSQL walks the claims by time and
    # tests each against its stored vector).
    made = [claim_factory(text=f"Shelling of village {n}" if n % 3 else f"Talks in town {n}") for n in range(90)]
    page = list(search_claims(Claim.objects.order_by("-created_at", "-id"), "shelling")[:25])
    matching = sorted((c for c in made if c.text.startswith("Shelling")), key=lambda c: (c.created_at, c.pk))
    assert [c.pk for c in page] == [c.pk for c in reversed(matching)][:25]


def test_a_search_works_inside_a_subquery(claim_factory):
    wanted = claim_factory(text="Shelling of the market")
    claim_factory(text="Talks in the capital")
    inner = search_claims(Claim.objects.all(), "shelling").values("pk")
    assert list(Claim.objects.filter(pk__in=inner).values_list("pk", flat=True)) == [wanted.pk]


def test_an_edited_claim_is_found_by_its_new_words(claim_factory):
    claim = claim_factory(text="Talks in the capital")
    Claim.objects.filter(pk=claim.pk).update(text="Shelling of the capital", search_tokens="shell of the capit")
    assert search("shelling") == {"Shelling of the capital"}
