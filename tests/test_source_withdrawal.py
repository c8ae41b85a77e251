"""Withdrawing a source link, with a reason, from the claim's page and the
API (it could only be done in the admin, where nothing logged it): the link
stays on record, marked withdrawn, and the claim's log says who withdrew it
and why."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from claims.choices import ClaimStatus, LogAction
from claims.exceptions import TransitionRefused
from claims.models import ClaimLogEntry, ClaimSource
from claims.services import withdraw_source_link
from claims.workflow import change_status

pytestmark = pytest.mark.django_db

URL = "https://mfa.example/statement"


@pytest.fixture
def link(claim_factory, reviewer):
    return claim_factory(submitter=reviewer, sources=[URL]).source_links.get()


def stored(link):
    return ClaimSource.objects.values("withdrawn_at", "quoted_passage").get(pk=link.pk)


def test_whoever_linked_a_source_withdraws_it_with_a_reason_and_the_log_says_so(link, reviewer):
    withdraw_source_link(link, reviewer, reason="  The page is a copy of another outlet's story. ")

    link.refresh_from_db()
    assert link.withdrawn_at is not None
    entry = ClaimLogEntry.objects.filter(claim=link.claim).last()
    assert (entry.action, entry.actor, entry.rationale, entry.changes) == (
        LogAction.SOURCE_WITHDRAWN,
        reviewer,
        "The page is a copy of another outlet's story.",
        {"source": URL},
    )


def test_an_editor_may_withdraw_anyones_link(link, editor):
    assert withdraw_source_link(link, editor, reason="Wrong page.").withdrawn_at is not None


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_withdrawal_needs_a_reason(link, reviewer, reason):
    before, entries = stored(link), ClaimLogEntry.objects.count()
    with pytest.raises(ValidationError) as refused:
        withdraw_source_link(link, reviewer, reason=reason)
    assert "reason" in refused.value.message_dict
    assert (stored(link), ClaimLogEntry.objects.count()) == (before, entries)


def test_another_reviewer_may_not_withdraw_a_link_nor_anyone_twice(link, reviewer, other_reviewer):
    before, entries = stored(link), ClaimLogEntry.objects.count()
    with pytest.raises(PermissionDenied):
        withdraw_source_link(link, other_reviewer, reason="I think it is wrong.")
    assert (stored(link), ClaimLogEntry.objects.count()) == (before, entries)
    withdraw_source_link(link, reviewer, reason="Wrong page.")
    with pytest.raises(PermissionDenied):
        withdraw_source_link(link, reviewer, reason="Again.")


def test_an_editor_who_withdrew_a_source_cannot_publish_the_verdict(link, reviewer, editor):
    """Taking a source away changes what the claim rests on, as adding one
    does: the two-person rule counts it."""
    claim = change_status(link.claim, reviewer, ClaimStatus.IN_REVIEW, expected_version=link.claim.version)
    withdraw_source_link(link, editor, reason="Contradicts the figures.")
    with pytest.raises(TransitionRefused) as refused:
        change_status(claim, editor, ClaimStatus.SUPPORTED, rationale="Confirmed.", expected_version=claim.version)
    assert refused.value.code == "two_person"


def test_the_claim_page_withdraws_a_source_and_keeps_it_in_the_history(client, link, reviewer):
    client.force_login(reviewer)
    page = client.get(link.claim.get_absolute_url()).content.decode()
    assert f'action="/claims/{link.claim.pk}/sources/{link.pk}/withdraw/"' in page

    response = client.post(f"/claims/{link.claim.pk}/sources/{link.pk}/withdraw/", {"reason": "A copy."})

    assert response.status_code == 302
    page = client.get(link.claim.get_absolute_url()).content.decode()
    assert f'data-source="{link.source.pk}"' not in page  # no longer among the claim's sources
    assert "A copy." in page  # the history says why


def test_the_claim_page_says_a_reason_is_needed(client, link, reviewer):
    client.force_login(reviewer)
    response = client.post(f"/claims/{link.claim.pk}/sources/{link.pk}/withdraw/", {"reason": " "})
    assert response.status_code == 400
    assert "Say why this source is withdrawn." in response.content.decode()
    assert stored(link)["withdrawn_at"] is None


def test_the_claim_page_offers_no_withdrawal_to_another_reviewer(client, link, other_reviewer):
    client.force_login(other_reviewer)
    page = client.get(link.claim.get_absolute_url()).content.decode()
    assert "/withdraw/" not in page.split('id="sources-panel"')[1].split("</div>")[0]
    response = client.post(f"/claims/{link.claim.pk}/sources/{link.pk}/withdraw/", {"reason": "Wrong."})
    assert response.status_code == 403
    assert stored(link)["withdrawn_at"] is None


def test_the_api_withdraws_a_source_and_names_a_missing_reason(link, reviewer):
    api = APIClient()
    api.force_authenticate(reviewer)
    url = f"/api/claims/{link.claim.pk}/sources/{link.pk}/withdraw/"

    missing = api.post(url, {}, format="json")
    done = api.post(url, {"reason": "A copy."}, format="json")

    assert (missing.status_code, list(missing.json()["errors"])) == (400, ["reason"])
    assert done.status_code == 200
    assert done.json()["withdrawn_at"] is not None


def test_offering_the_withdrawal_costs_no_query_per_source(client, claim_factory, reviewer):
    def queries_for(claim):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(claim.get_absolute_url()).status_code == 200
        return len(queries)

    client.force_login(reviewer)
    one = claim_factory(sources=["https://one.example/a"])
    five = claim_factory(sources=[f"https://five.example/{n}" for n in range(5)])
    queries_for(one)  # the first request also loads the session's user
    assert queries_for(five) == queries_for(one)
