"""The demo loader brings in the sample article's claims, and is idempotent."""

import io

import pytest
from django.core.management import call_command

from claims.choices import BoundQualifier, CasualtyCategory, ClaimStatus, Population, Presence
from claims.lookups import resolve_actor
from claims.models import (
    Actor,
    ActorAlias,
    CasualtyFigure,
    Claim,
    ClaimLogEntry,
    ClaimSource,
    Event,
    Evidence,
    TroopPresence,
)
from claims.services import submit_claim
from sources.models import Outlet, Source

pytestmark = pytest.mark.django_db

MODELS = [
    Claim,
    CasualtyFigure,
    TroopPresence,
    ClaimSource,
    Evidence,
    ClaimLogEntry,
    Actor,
    ActorAlias,
    Event,
    Source,
    Outlet,
]


def snapshot():
    return {model.__name__: sorted(model.objects.values_list("pk", flat=True)) for model in MODELS}


def load():
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def test_loading_twice_leaves_the_same_rows():
    load()
    first = snapshot()
    output = load()
    assert snapshot() == first
    assert "0 claims created, 6 already present" in output


def test_demo_prints_the_logins():
    output = load()
    assert "'reviewer' with password" in output
    assert "'editor' with password" in output


def test_competing_casualty_figures_are_kept_apart():
    load()
    armenian = Claim.objects.get(claimant__name="Local Armenians in Nagorno-Karabakh", text__contains="27人死亡")
    azerbaijani = Claim.objects.get(claimant__name="Azerbaijan Ministry of Foreign Affairs")
    assert set(armenian.casualty_figures.values_list("category", "qualifier", "low")) == {
        (CasualtyCategory.KILLED, BoundQualifier.AT_LEAST, 27),
        (CasualtyCategory.INJURED, BoundQualifier.AT_LEAST, 200),
    }
    assert set(azerbaijani.casualty_figures.values_list("population", "low")) == {
        (Population.ALL, 6),
        (Population.MILITARY, 4),
        (Population.CIVILIANS, 2),
    }
    assert armenian.event == azerbaijani.event


def test_contradictory_presence_claims_share_force_and_place():
    load()
    presences = TroopPresence.objects.filter(force__name="Armed Forces of Armenia")
    assert set(presences.values_list("presence", flat=True)) == {Presence.PRESENT, Presence.ABSENT}
    assert presences.values("place").distinct().count() == 1


def test_the_article_is_one_source_with_its_quoted_passages():
    load()
    assert Source.objects.count() == 1
    passages = set(ClaimSource.objects.values_list("quoted_passage", flat=True))
    assert "当地至少有27人死亡，200人受伤" in passages
    assert len(passages) == 6


def test_the_disputed_statement_has_a_verdict_by_the_editor():
    load()
    statement = Claim.objects.get(claimant__name="Ilham Aliyev")
    assert statement.status == ClaimStatus.DISPUTED
    verdict = statement.current_verdict
    assert verdict.published_by.username == "editor"
    assert statement.submitter.username == "reviewer"


def test_the_demo_parties_are_found_by_their_other_names():
    load()
    local = Actor.objects.get(name="Local Armenians in Nagorno-Karabakh")
    forces = Actor.objects.get(name="Armed Forces of Armenia")
    for name in ("Local Armenian officials", "当地亚美尼亚官员", "在纳卡地区的亚美尼亚人"):
        assert resolve_actor(name) == local, name
    for name in ("Armenian armed forces", "ARMED FORCES OF ARMENIA", "亚美尼亚武装部队"):
        assert resolve_actor(name) == forces, name


def test_the_demo_event_page_keeps_a_partys_figures_together_whatever_its_name(client):
    load()
    event = Event.objects.get(slug="nagorno-karabakh-2023-09")
    reviewer = Claim.objects.filter(event=event).first().submitter
    submit_claim(
        reviewer,
        fields={
            "text": "当地亚美尼亚官员称至少32人死亡",
            "language": "zh",
            "claimant_name": "当地亚美尼亚官员",
            "event": event,
        },
        figures=[{"category": "killed", "population": "all", "qualifier": "at_least", "low": 32}],
    )
    client.force_login(reviewer)

    page = client.get(event.get_absolute_url()).content.decode()
    killed = page.split('class="reconciliation-table cards"')[1].split("</table>")[0]

    # The claimant is named on its first row only: once per party.
    assert killed.count('<td data-label="Claimant">Local Armenians in Nagorno-Karabakh</td>') == 1
    assert "当地亚美尼亚官员" not in killed
    assert "32" in killed
