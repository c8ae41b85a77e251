"""List endpoints run a constant number of queries, however many rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from claims.choices import ActorKind, BoundQualifier, CasualtyCategory, Presence, Stance
from claims.models import Actor, Event, Place, TroopPresence
from claims.services import add_evidence
from sources.models import Outlet, Source, SourceCheck


@pytest.fixture
def client(reviewer):
    # A session login loads the user afresh on each request, as in production,
    # so no request profits from roles cached by an earlier one.
    client = APIClient()
    client.force_login(reviewer)
    return client


def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, {"page_size": 50})
    assert response.status_code == 200, response.content
    return len(captured), len(response.json()["results"])


def add_claims(claim_factory, count, start):
    force = Actor.objects.get_or_create(name="Armed force", kind=ActorKind.ARMED_FORCE)[0]
    event = Event.objects.get_or_create(name="Offensive", slug="offensive")[0]
    place = Place.objects.get_or_create(name="Hadrut")[0]
    Outlet.objects.get_or_create(name="Example News", domain="example.org")
    for number in range(start, start + count):
        claim = claim_factory(
            claimant=force,
            event=event,
            place=place,
            sources=[f"https://example.org/story/{number}", f"https://example.org/copy/{number}"],
            figures=[{"category": CasualtyCategory.KILLED, "qualifier": BoundQualifier.EXACT, "low": number}],
        )
        TroopPresence.objects.create(claim=claim, force=force, place=place, presence=Presence.PRESENT)
    mark_checked(Source.objects.filter(latest_check__isnull=True))


def mark_checked(sources):
    now = timezone.now()
    for source in sources:
        check = SourceCheck.objects.create(source=source, requested_at=now, started_at=now, outcome="ok")
        Source.objects.filter(pk=source.pk).update(latest_check=check, health="ok")


def test_claim_list(client, claim_factory):
    add_claims(claim_factory, 5, 0)
    few, rows = queries_for(client, "/api/claims/")
    assert rows == 5
    add_claims(claim_factory, 25, 5)
    many, rows = queries_for(client, "/api/claims/")
    assert rows == 30
    assert many == few


def test_source_list(client, claim_factory):
    add_claims(claim_factory, 3, 0)
    few, rows = queries_for(client, "/api/sources/")
    assert rows == 6
    add_claims(claim_factory, 12, 3)
    many, rows = queries_for(client, "/api/sources/")
    assert rows == 30
    assert many == few


def test_evidence_list(client, claim_factory, reviewer):
    claim = claim_factory()
    url = f"/api/claims/{claim.pk}/evidence/"

    def add(count, start):
        for number in range(start, start + count):
            add_evidence(claim, reviewer, stance=Stance.SUPPORTS, source_url=f"https://example.org/ev/{number}")
        mark_checked(Source.objects.filter(latest_check__isnull=True))

    add(5, 0)
    few, rows = queries_for(client, url)
    assert rows == 5
    add(25, 5)
    many, rows = queries_for(client, url)
    assert rows == 30
    assert many == few


def test_source_check_history(client, claim_factory):
    claim = claim_factory(sources=["https://example.org/checked"])
    source = claim.source_links.get().source
    url = f"/api/sources/{source.pk}/checks/"

    def add(count):
        for _ in range(count):
            now = timezone.now()
            SourceCheck.objects.create(source=source, requested_at=now, started_at=now, outcome="ok")

    add(5)
    few, rows = queries_for(client, url)
    assert rows == 5
    add(25)
    many, rows = queries_for(client, url)
    assert rows == 30
    assert many == few


def test_event_list(client):
    def add(count, start):
        for number in range(start, start + count):
            place = Place.objects.create(name=f"Village {number}")
            Event.objects.create(name=f"Event {number}", slug=f"event-{number}", place=place)

    add(5, 0)
    few, rows = queries_for(client, "/api/events/")
    assert rows == 5
    add(25, 5)
    many, rows = queries_for(client, "/api/events/")
    assert rows == 30
    assert many == few
