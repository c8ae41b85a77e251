"""Parties, places and events typed by name are found, or created, the same
way wherever the name is typed: on the submit page, in an import, through the
API. Case, full-width letters and runs of spaces do not make a second party."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from rest_framework.test import APIClient

from claims.importing import import_claims, parse_json
from claims.lookups import get_or_create_actor, get_or_create_event, get_or_create_place, resolve_actor
from claims.models import Actor, Claim, Event, Place
from claims.names import name_key
from tests.pages import submission

pytestmark = pytest.mark.django_db


def test_name_key_ignores_case_width_and_spacing():
    assert name_key("  Local   Armenians ") == name_key("ＬＯＣＡＬ　ａｒｍｅｎｉａｎｓ") == "local armenians"
    assert name_key("Straße") == name_key("STRASSE")
    assert name_key("阿塞拜疆外交部") == "阿塞拜疆外交部"


def test_a_party_typed_in_the_form_and_in_an_import_stays_one_party(client, reviewer, editor):
    client.force_login(reviewer)
    response = client.post(
        reverse("claims:claim_submit"),
        submission(
            {"claimant_name": "Local Armenians", "place_name": "Stepanakert"},
            presences=[{"force_name": "Armed Forces of Armenia", "place_name": "STEPANAKERT", "presence": "absent"}],
        ),
    )
    assert response.status_code == 302

    report = import_claims(
        editor,
        parse_json(
            [
                {"text": "Twenty-seven killed", "language": "en", "claimant": "ＬＯＣＡＬ  armenians"},
                {"text": "Two hundred injured", "language": "en", "claimant": "local armenians"},
            ]
        ),
    )

    assert not report.failed
    assert list(Actor.objects.values_list("name", flat=True)) == ["Armed Forces of Armenia", "Local Armenians"]
    assert Place.objects.count() == 1
    assert {claim.claimant.name for claim in Claim.objects.all()} == {"Local Armenians"}


def test_submitting_through_the_form_creates_named_rows_only_when_the_claim_is_saved(client, reviewer):
    client.force_login(reviewer)
    bad = submission(
        {"claimant_name": "A new ministry", "place_name": "A new village", "new_event_name": "A new event"},
        figures=[{"category": "killed", "population": "all", "qualifier": "exact", "low": "30", "high": "12"}],
    )
    assert client.post(reverse("claims:claim_submit"), bad).status_code == 400
    assert (Actor.objects.count(), Place.objects.count(), Event.objects.count()) == (0, 0, 0)


def test_lookups_reuse_what_exists_and_create_what_does_not():
    ministry = get_or_create_actor("Ministry of Defence")
    assert get_or_create_actor("ministry  of DEFENCE") == ministry
    assert resolve_actor("MINISTRY OF DEFENCE") == ministry
    assert resolve_actor("Ministry of Health") is None
    assert get_or_create_actor("   ") is None
    assert get_or_create_place("Lachin") == get_or_create_place("ＬＡＣＨＩＮ")
    event = get_or_create_event("Offensive of 19 September")
    assert get_or_create_event("offensive of 19 september") == event
    assert Actor.objects.get().name == "Ministry of Defence"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_keeps_parties_recorded_twice_apart_and_renames_the_later_one():
    before, after = [("claims", "0004_search_index")], [("claims", "0005_name_keys")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old_actor = executor.loader.project_state(before).apps.get_model("claims", "Actor")
    first = old_actor.objects.create(name="Local Armenians")
    second = old_actor.objects.create(name="local  armenians")
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert dict(Actor.objects.values_list("pk", "name_key")) == {
        first.pk: "local armenians",
        second.pk: f"local armenians (#{second.pk})",
    }
    assert Actor.objects.get(pk=second.pk).name == f"local  armenians (#{second.pk})"


def test_the_api_names_parties_places_and_events_as_the_pages_and_imports_do(reviewer):
    party = get_or_create_actor("Local Armenians")
    api = APIClient()
    api.force_authenticate(reviewer)
    body = {
        "text": "At least 27 killed",
        "language": "en",
        "claimant_name": "ＬＯＣＡＬ  armenians",
        "place_name": "Stepanakert",
        "event_name": "Offensive of 19 September",
        "troop_presences": [
            {"force_name": "armed forces of armenia", "place_name": "STEPANAKERT", "presence": "absent"}
        ],
    }
    response = api.post("/api/claims/", body, format="json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["claimant"] == {"id": party.pk, "name": "Local Armenians"}
    place = Place.objects.get()
    assert created["place"]["id"] == place.pk
    assert created["troop_presences"][0]["place"] == place.pk
    assert created["event"]["name"] == "Offensive of 19 September"

    both = api.post("/api/claims/", {**body, "claimant": party.pk}, format="json")
    assert both.status_code == 400
    assert both.json()["errors"]["claimant_name"] == ["Give the claimant by id or by name, not both."]
    neither = api.post(
        "/api/claims/", {**body, "troop_presences": [{"place": place.pk, "presence": "absent"}]}, format="json"
    )
    assert neither.status_code == 400
    assert neither.json()["errors"]["troop_presences.0.force"] == ["Give the force by id or by name."]
