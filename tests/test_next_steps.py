"""The claim page says what happens next and who can do it, read from the
workflow's table, and takes a decision in one form, the verdict a choice."""

import pytest
from django.urls import reverse

from claims.choices import ClaimStatus
from claims.workflow import change_status, next_steps
from tests.html_page import Page

pytestmark = pytest.mark.django_db


def _sentences(claim, user):
    return [step.sentence for step in next_steps(claim, user)]


def _in_review(claim, user):
    return change_status(claim, user, ClaimStatus.IN_REVIEW, expected_version=claim.version)


def test_an_unverified_claim_waits_for_anyone_to_start_its_review(claim_factory, reviewer, other_reviewer):
    claim = claim_factory(submitter=other_reviewer)
    assert _sentences(claim, reviewer) == [
        "You can start the review.",
        "An editor or the claim's submitter withdraws the claim.",
    ]


def test_the_submitter_is_told_another_editor_publishes(claim_factory, reviewer, editor):
    claim = _in_review(claim_factory(submitter=editor), reviewer)
    assert "An editor other than you publishes the verdict." in _sentences(claim, editor)
    assert "You can withdraw the claim." in _sentences(claim, editor)


def test_a_reviewer_is_told_an_editor_publishes(claim_factory, reviewer, other_reviewer):
    claim = _in_review(claim_factory(submitter=other_reviewer), reviewer)
    assert _sentences(claim, reviewer) == [
        "An editor other than its submitter publishes the verdict.",
        "An editor or the claim's submitter withdraws the claim.",
    ]


def test_an_editor_who_may_publish_is_told_so_once_for_the_four_verdicts(claim_factory, reviewer, editor):
    claim = _in_review(claim_factory(), reviewer)
    assert _sentences(claim, editor) == ["You can publish the verdict.", "You can withdraw the claim."]


def test_a_published_verdict_is_replaced_or_reopened_by_an_editor(claim_factory, reviewer, editor):
    claim = _in_review(claim_factory(), reviewer)
    claim = change_status(claim, editor, ClaimStatus.SUPPORTED, rationale="Checked.", expected_version=claim.version)
    assert _sentences(claim, reviewer) == [
        "An editor other than you replaces the verdict with another.",
        "An editor reopens the review.",
    ]


def test_the_page_says_what_is_next_and_decides_in_one_form(client, claim_factory, reviewer, editor):
    claim = _in_review(claim_factory(), reviewer)
    client.force_login(editor)
    page = client.get(claim.get_absolute_url()).content.decode()
    assert "You can publish the verdict." in page
    assert page.count('class="transition decision"') == 1
    assert page.count('name="rationale"') == 1
    for verdict in ClaimStatus.verdicts():
        assert f'type="radio" name="target" value="{verdict}"' in page
    client.force_login(reviewer)
    page = client.get(claim.get_absolute_url()).content.decode()
    assert "An editor other than you publishes the verdict." in page


def test_a_decision_without_a_choice_is_refused_keeping_the_rationale(client, claim_factory, reviewer, editor):
    claim = _in_review(claim_factory(), reviewer)
    client.force_login(editor)
    response = client.post(
        reverse("claims:claim_transition", args=[claim.pk]), {"version": claim.version, "rationale": "Two sources."}
    )
    assert response.status_code == 400
    page = Page(response)
    assert page.by_id("transition-error").text() == "Choose a decision."
    assert page.by_id("rationale").text() == "Two sources."
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.IN_REVIEW
