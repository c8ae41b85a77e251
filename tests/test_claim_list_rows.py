"""The claim list's rows, worked out in Python (``claims/list_rows.py``):
each column shows what it showed when the template worked it out, escaped,
in the reader's language."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from claims.choices import ClaimKind, ClaimStatus, Language
from claims.lookups import get_or_create_actor
from claims.models import ClaimGrade
from claims.workflow import change_status
from sources.models import Outlet, Source

pytestmark = pytest.mark.django_db

KILLED_27 = {"category": "killed", "population": "military", "qualifier": "exact", "low": 27}
ABOUT_200_INJURED = {"category": "injured", "population": "civilians", "qualifier": "about", "low": 200, "high": 250}
LONG_ADDRESS = "https://no-outlet.example.org/" + "x" * 60


@pytest.fixture
def claim(claim_factory):
    Outlet.objects.create(name="Reuters <wire>", domain="reuters.example.com")
    claim = claim_factory(
        text="<script>alert(1)</script> & " + "word " * 40,
        translation="An English translation",
        kind=ClaimKind.CASUALTY_FIGURE,
        claimant=get_or_create_actor("Ministry <of> Defence"),
        occurred_on=datetime.date(2023, 9, 19),
        stated_on=datetime.date(2023, 9, 20),
        figures=[KILLED_27, ABOUT_200_INJURED],
        sources=["https://reuters.example.com/a", LONG_ADDRESS],
    )
    Source.objects.filter(url=LONG_ADDRESS).update(outlet=None)
    return claim


def _graded_corroborated(claim):
    """The grade a grading of two independent reports would leave (set
    here, after the claim's last change, which regrades it)."""
    ClaimGrade.objects.update_or_create(
        claim=claim,
        defaults={
            "grade": "corroborated",
            "sources": 2,
            "independent": ["Reuters", "TASS"],
            "computed_at": timezone.now(),
        },
    )


def _row(client, user, claim, language="en"):
    client.force_login(user)
    client.cookies["django_language"] = language
    page = client.get(reverse("claims:claim_list")).text
    start = page.index(f'<a href="{claim.get_absolute_url()}"')
    return page[page.rindex("<tr>", 0, start) : page.index("</tr>", start)]


def test_each_column_shows_the_claim(client, reviewer, claim):
    _graded_corroborated(claim)
    row = _row(client, reviewer, claim)
    assert '<td data-label="Kind">Casualty figure</td>' in row
    assert '<td data-label="Claimant">Ministry &lt;of&gt; Defence</td>' in row
    assert '<span class="figure">Injured ~200–250</span> <span class="figure">Killed 27</span>' in row
    assert (
        '<span class="outlet">Reuters &lt;wire&gt;</span> <span class="outlet">https://no-outlet.example.org…</span>'
        in row
    )
    assert '<td data-label="Refers to">2023-09-19</td>' in row
    assert '<td data-label="Stated on">2023-09-20</td>' in row
    assert '<span class="status status-unverified">Unverified</span>' in row
    assert '<small lang="en">An English translation</small>' in row
    assert (
        '<span class="grade grade-corroborated" title="2 sources, 2 independent: Reuters, TASS">Corroborated</span>'
        in row
    )


def test_claim_text_is_escaped_and_cut_to_140_characters(client, reviewer, claim):
    row = _row(client, reviewer, claim)
    assert "<script>" not in row
    shown = row.split('lang="en">', 1)[1].split("</a>", 1)[0]
    assert shown.startswith("&lt;script&gt;alert(1)&lt;/script&gt; &amp; word word")
    assert shown.endswith(" w…")
    assert len(shown.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")) == 140


def test_empty_cells_show_a_dash(client, reviewer, claim_factory):
    claim = claim_factory(text="A bare claim")
    ClaimGrade.objects.filter(claim=claim).delete()
    row = _row(client, reviewer, claim)
    for column in ("Claimant", "Figures", "Sources", "Refers to", "Stated on", "Evidence grade"):
        assert f'<td data-label="{column}">—</td>' in row
    assert "<small" not in row


def test_rows_speak_the_readers_language(client, reviewer, editor, claim):
    change_status(claim, editor, ClaimStatus.IN_REVIEW, expected_version=claim.version)
    _graded_corroborated(claim)
    row = _row(client, reviewer, claim, language="zh-hans")
    assert '<td data-label="类型">伤亡数字</td>' in row
    assert '<span class="status status-in_review">核查中</span>' in row
    assert '<span class="figure">死亡 27</span>' in row
    assert ">已获佐证</span>" in row
    assert "2 个来源" in row


def test_a_claim_in_chinese_is_marked_as_such(client, reviewer, claim_factory):
    claim = claim_factory(text="炮击造成27人死亡", language=Language.ZH)
    assert f'<a href="{claim.get_absolute_url()}" lang="zh">炮击造成27人死亡</a>' in _row(client, reviewer, claim)
