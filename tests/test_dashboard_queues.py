"""The dashboard is a work queue: each section lists what needs this user,
per role, each item linking to where they act."""

import pytest
from django.urls import reverse

from claims.choices import ClaimStatus, QuoteMatch
from claims.models import ClaimSource
from claims.services import assign_claim, edit_claim
from claims.workflow import change_status
from sources.choices import SourceHealth
from sources.models import Source

pytestmark = pytest.mark.django_db


def _section(page: str, heading_id: str) -> str:
    """The HTML of the dashboard section headed by ``heading_id``."""
    start = page.index(f'id="{heading_id}"')
    end = page.find("</section>", start)
    return page[start:end]


def _dashboard(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("claims:dashboard"))
    assert response.status_code == 200
    return response.content.decode()


def _in_review(claim, user):
    return change_status(claim, user, ClaimStatus.IN_REVIEW, expected_version=claim.version)


def test_reviewer_sees_unverified_unassigned_claims_and_their_own(client, claim_factory, reviewer, other_reviewer):
    claim_factory(text="Nobody has this one", submitter=other_reviewer)
    assign_claim(claim_factory(text="The other has this one", submitter=other_reviewer), other_reviewer, other_reviewer)
    assign_claim(claim_factory(text="I took this one", submitter=other_reviewer), reviewer, reviewer)
    page = _dashboard(client, reviewer)
    unassigned = _section(page, "queue-unassigned")
    assert "Nobody has this one" in unassigned
    assert "The other has this one" not in unassigned and "I took this one" not in unassigned
    mine = _section(page, "queue-mine")
    assert "I took this one" in mine and "Nobody has this one" not in mine
    assert "queue-awaiting-verdict" not in page, "a reviewer publishes no verdict"


def test_editor_sees_claims_in_review_they_may_judge(client, claim_factory, reviewer, editor):
    _in_review(claim_factory(text="Reviewed by a reviewer"), reviewer)
    _in_review(claim_factory(text="Submitted by the editor", submitter=editor), editor)
    rewritten = _in_review(claim_factory(text="Rewritten by the editor"), reviewer)
    edit_claim(rewritten, editor, expected_version=rewritten.version, fields={"translation": "Now translated"})
    claim_factory(text="Not in review yet")
    waiting = _section(_dashboard(client, editor), "queue-awaiting-verdict")
    assert "Reviewed by a reviewer" in waiting
    for not_theirs in ("Submitted by the editor", "Rewritten by the editor", "Not in review yet"):
        assert not_theirs not in waiting


def test_a_published_claim_whose_source_changed_comes_first(client, claim_factory, reviewer, editor):
    claim = _in_review(
        claim_factory(text="Published, then its page changed", sources=["https://a.example.org/x"]), reviewer
    )
    change_status(claim, editor, ClaimStatus.SUPPORTED, rationale="Checked.", expected_version=claim.version)
    claim_factory(text="Open, its page changed too", sources=["https://a.example.org/y"])
    Source.objects.update(health=SourceHealth.CHANGED)
    page = _dashboard(client, reviewer)
    urgent = _section(page, "queue-published-troubled")
    assert "Published, then its page changed" in urgent and "Open, its page changed too" not in urgent
    assert page.index("queue-published-troubled") < page.index("queue-unassigned")
    assert f'href="{claim.get_absolute_url()}#sources-heading"' in urgent


def test_sources_not_carrying_the_quote_or_figures(client, claim_factory, reviewer):
    claim_factory(text="Quote missing", sources=["https://a.example.org/1"])
    claim_factory(text="Figures missing", sources=["https://a.example.org/2"])
    claim_factory(text="All found", sources=["https://a.example.org/3"])
    ClaimSource.objects.filter(claim__text="Quote missing").update(quote_match=QuoteMatch.NOT_FOUND)
    ClaimSource.objects.filter(claim__text="Figures missing").update(figures_match=QuoteMatch.NOT_FOUND)
    ClaimSource.objects.filter(claim__text="All found").update(
        quote_match=QuoteMatch.FOUND, figures_match=QuoteMatch.FOUND
    )
    section = _section(_dashboard(client, reviewer), "queue-not-matching")
    assert "Quote missing" in section and "quote not found" in section
    assert "Figures missing" in section and "figures not found" in section
    assert "All found" not in section


def test_activity_is_what_others_did_to_claims_i_touched(client, claim_factory, reviewer, other_reviewer, editor):
    mine = claim_factory(text="My submission")
    _in_review(mine, other_reviewer)
    elsewhere = claim_factory(text="Not mine at all", submitter=other_reviewer)
    _in_review(elsewhere, editor)
    section = _section(_dashboard(client, reviewer), "queue-activity")
    assert "My submission" in section and "other_reviewer" in section
    assert "Not mine at all" not in section
    assert "reviewer ·" not in section.replace("other_reviewer", ""), "my own actions are not news to me"
