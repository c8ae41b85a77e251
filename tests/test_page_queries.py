"""The pages that list many claims fetch them in a fixed number of queries,
so a page of many claims costs no more round trips than a page of a few:
from 3 claims to 20 (a query made for each claim, or each of its sources,
parties or figures, would add at least 17), on pages that show them all."""

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims.choices import ClaimStatus, Presence, QuoteMatch
from claims.lookups import get_or_create_actor, get_or_create_place
from claims.models import Claim, ClaimSource, Event
from claims.services import SourceLinkData, assign_claim
from claims.workflow import change_status
from sources.choices import SourceHealth
from sources.models import Source

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(db):
    return Event.objects.create_named("Offensive of 19 September")


@pytest.fixture
def add_claims(claim_factory, event):
    """Add ``n`` claims about ``event``, each with a claimant, a place, a
    figure, a troop presence and two sources (one shared with the claim before)."""
    claimant = get_or_create_actor("Ministry of Defence")
    place = get_or_create_place("Stepanakert")
    force = get_or_create_actor("Azerbaijani army")
    serial = itertools.count(1)

    def add(n):
        for _ in range(n):
            number = next(serial)
            claim = claim_factory(
                text=f"Claim {number}: {number} soldiers killed near Stepanakert",
                event=event,
                claimant=claimant,
                place=place,
                figures=[{"category": "killed", "population": "military", "qualifier": "exact", "low": number}],
                sources=[
                    SourceLinkData(url=f"https://news.example.org/report-{number}", quoted_passage="killed"),
                    SourceLinkData(url=f"https://wire.example.org/item-{number // 2}", role="repetition"),
                ],
            )
            claim.troop_presences.create(force=force, place=place, presence=Presence.PRESENT)
        # Trouble shows sources on the dashboard too; every source is listed there.
        Source.objects.update(health=SourceHealth.FAILED)

    return add


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url",
    [
        pytest.param(lambda event: f"{reverse('claims:claim_list')}?per_page=100", id="claim list"),
        pytest.param(lambda event: reverse("claims:dashboard"), id="dashboard"),
        pytest.param(lambda event: event.get_absolute_url(), id="event page"),
    ],
)
def test_page_queries_do_not_grow_with_the_claims(client, reviewer, add_claims, event, url):
    client.force_login(reviewer)
    add_claims(3)
    with_few = _queries(client, url(event))
    add_claims(17)
    assert _queries(client, url(event)) == with_few


def _fill_every_queue(reviewer, editor, other_reviewer):
    """Put claims in every queue of the dashboard: assigned to the reviewer,
    in review for the editor, published with a changed source, with a quote
    not found, and with others' activity on the reviewer's claims."""
    claims = list(Claim.objects.filter(status=ClaimStatus.UNVERIFIED).order_by("id"))
    for number, claim in enumerate(claims):
        if number % 4 == 0:
            assign_claim(claim, reviewer, reviewer)
        elif number % 4 == 1:
            claim = change_status(claim, other_reviewer, ClaimStatus.IN_REVIEW, expected_version=claim.version)
        elif number % 4 == 2:
            claim = change_status(claim, other_reviewer, ClaimStatus.IN_REVIEW, expected_version=claim.version)
            change_status(claim, editor, ClaimStatus.SUPPORTED, rationale="Checked.", expected_version=claim.version)
    ClaimSource.objects.filter(role="repetition").update(quote_match=QuoteMatch.NOT_FOUND)
    Source.objects.update(health=SourceHealth.CHANGED)


@pytest.mark.parametrize("role", ["reviewer", "editor"])
def test_the_dashboard_costs_the_same_with_every_queue_full(client, reviewer, editor, other_reviewer, add_claims, role):
    user = {"reviewer": reviewer, "editor": editor}[role]
    client.force_login(user)
    add_claims(4)
    _fill_every_queue(reviewer, editor, other_reviewer)
    with_few = _queries(client, reverse("claims:dashboard"))
    add_claims(16)
    _fill_every_queue(reviewer, editor, other_reviewer)
    assert _queries(client, reverse("claims:dashboard")) == with_few


def test_the_list_filtered_by_assignee_costs_the_same(client, reviewer, add_claims):
    client.force_login(reviewer)
    url = f"{reverse('claims:claim_list')}?per_page=100&assignee={reviewer.pk}"
    add_claims(3)
    for claim in Claim.objects.all():
        assign_claim(claim, reviewer, reviewer)
    with_few = _queries(client, url)
    add_claims(17)
    for claim in Claim.objects.filter(assignee__isnull=True):
        assign_claim(claim, reviewer, reviewer)
    assert _queries(client, url) == with_few


@pytest.mark.parametrize(
    "url",
    [
        pytest.param(lambda event: f"{reverse('claims:claim_list')}?per_page=100", id="claim list"),
        pytest.param(lambda event: event.get_absolute_url(), id="event page"),
    ],
)
def test_measured_pages_really_show_every_claim(client, reviewer, add_claims, event, url):
    """The counts above are taken on pages that hold every claim, not a first few."""
    client.force_login(reviewer)
    add_claims(20)
    page = client.get(url(event)).content.decode()
    assert all(f"Claim {number}: " in page for number in range(1, 21))
