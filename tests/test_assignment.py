"""Assigning claims: anyone takes an open claim or lets it go, only an editor
hands it to someone else; every change is in the claim's log, the claim's
version does not move, and the list and the API filter by assignee."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from claims.choices import ClaimStatus, LogAction
from claims.models import ClaimLogEntry
from claims.services import assign_claim
from claims.workflow import change_status

pytestmark = pytest.mark.django_db


def test_a_reviewer_takes_a_claim_and_the_log_says_so(claim_factory, reviewer, other_reviewer):
    claim = claim_factory(submitter=other_reviewer)
    claim = assign_claim(claim, reviewer, reviewer)
    assert claim.assignee == reviewer
    assert claim.version == 1, "who works on a claim is not what it says"
    entry = ClaimLogEntry.objects.filter(claim=claim).latest("id")
    assert (entry.action, entry.actor) == (LogAction.ASSIGNED, reviewer)
    assert entry.changes == {"assignee": [None, {"id": reviewer.pk, "label": "reviewer"}]}


def test_a_reviewer_lets_go_of_their_claim(claim_factory, reviewer):
    claim = assign_claim(claim_factory(), reviewer, reviewer)
    assert assign_claim(claim, reviewer, None).assignee is None
    assert ClaimLogEntry.objects.filter(claim=claim, action=LogAction.ASSIGNED).count() == 2


def test_assigning_the_same_person_again_logs_nothing(claim_factory, reviewer):
    claim = assign_claim(claim_factory(), reviewer, reviewer)
    assign_claim(claim, reviewer, reviewer)
    assert ClaimLogEntry.objects.filter(claim=claim, action=LogAction.ASSIGNED).count() == 1


def test_a_reviewer_may_not_assign_someone_else(claim_factory, reviewer, other_reviewer):
    claim = claim_factory()
    with pytest.raises(PermissionDenied):
        assign_claim(claim, reviewer, other_reviewer)


def test_a_reviewer_may_not_take_a_claim_from_someone_else(claim_factory, reviewer, other_reviewer):
    claim = assign_claim(claim_factory(), other_reviewer, other_reviewer)
    with pytest.raises(PermissionDenied):
        assign_claim(claim, reviewer, reviewer)
    with pytest.raises(PermissionDenied):
        assign_claim(claim, reviewer, None)


def test_an_editor_hands_a_claim_to_a_reviewer(claim_factory, editor, reviewer, other_reviewer):
    claim = assign_claim(claim_factory(), other_reviewer, other_reviewer)
    assert assign_claim(claim, editor, reviewer).assignee == reviewer


def test_only_members_are_assigned(claim_factory, editor, outsider):
    with pytest.raises(ValidationError):
        assign_claim(claim_factory(), editor, outsider)


def test_a_claim_with_a_verdict_is_not_assigned(claim_factory, reviewer, editor):
    claim = claim_factory()
    claim = change_status(claim, reviewer, ClaimStatus.IN_REVIEW, expected_version=claim.version)
    claim = change_status(claim, editor, ClaimStatus.SUPPORTED, rationale="Checked.", expected_version=claim.version)
    with pytest.raises(PermissionDenied):
        assign_claim(claim, editor, reviewer)


def test_assign_to_me_on_the_page(client, claim_factory, reviewer, other_reviewer):
    claim = claim_factory(submitter=other_reviewer)
    client.force_login(reviewer)
    page = client.get(claim.get_absolute_url()).content.decode()
    assert "Assign to me" in page
    response = client.post(reviewer_url := reverse("claims:claim_assign", args=[claim.pk]), {"take": "on"})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.assignee == reviewer
    page = client.get(claim.get_absolute_url()).content.decode()
    assert "Assign to me" not in page and "Unassign me" in page
    client.post(reviewer_url, {})
    claim.refresh_from_db()
    assert claim.assignee is None


def test_a_reviewer_posting_someone_else_is_refused(client, claim_factory, reviewer, other_reviewer):
    claim = claim_factory()
    client.force_login(reviewer)
    response = client.post(reverse("claims:claim_assign", args=[claim.pk]), {"assignee": other_reviewer.pk})
    assert response.status_code == 403
    claim.refresh_from_db()
    assert claim.assignee is None


def test_the_list_and_the_api_filter_by_assignee(client, claim_factory, reviewer, other_reviewer):
    mine = assign_claim(claim_factory(text="Taken by me"), reviewer, reviewer)
    claim_factory(text="Taken by nobody")
    assign_claim(claim_factory(text="Taken by the other"), other_reviewer, other_reviewer)
    client.force_login(reviewer)
    page = client.get(reverse("claims:claim_list"), {"assignee": reviewer.pk}).content.decode()
    assert "Taken by me" in page and "Taken by nobody" not in page and "Taken by the other" not in page
    page = client.get(reverse("claims:claim_list"), {"assignee": "null"}).content.decode()
    assert "Taken by nobody" in page and "Taken by me" not in page and "Taken by the other" not in page
    api = client.get("/api/claims/", {"assignee": reviewer.pk}).json()
    assert [row["id"] for row in api["results"]] == [mine.pk]
