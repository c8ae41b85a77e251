"""A party or place is one identity whatever name it is typed by: its own
name or an alias, in any language, case or width, on the submit and edit
pages, in an import, through the API. Two rows found to be the same are
merged by an editor: everything moves to the survivor, nothing is deleted,
and every claim touched logs it."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from claims.choices import LogAction
from claims.importing import import_claims, parse_json
from claims.log_wording import describe
from claims.lookups import resolve_actor, resolve_place
from claims.models import (
    Actor,
    ActorAlias,
    CasualtyFigure,
    Claim,
    ClaimLogEntry,
    Event,
    Place,
    PlaceAlias,
    TroopPresence,
)
from claims.services import add_actor_alias, add_place_alias, merge_actors, merge_places, submit_claim
from claims.signals import claim_changed
from tests.pages import edit, submission

pytestmark = pytest.mark.django_db

FIGURE = {"category": "killed", "population": "all", "qualifier": "exact", "low": 27}


@pytest.fixture
def armed_forces(editor):
    actor = Actor.objects.create(name="Armed Forces of Armenia")
    add_actor_alias(actor, editor, "Armenian armed forces")
    add_actor_alias(actor, editor, "亚美尼亚武装部队")
    return actor


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_an_alias_in_any_case_or_width_finds_the_party(armed_forces):
    for typed in (
        "Armed Forces of Armenia",
        "armenian ARMED forces",
        "ＡＲＭＥＮＩＡＮ　armed forces",
        "亚美尼亚武装部队",
    ):
        assert resolve_actor(typed) == armed_forces, typed


def test_the_submit_form_resolves_a_claimant_and_a_force_through_aliases(client, reviewer, armed_forces):
    client.force_login(reviewer)
    response = client.post(
        reverse("claims:claim_submit"),
        submission(
            {"claimant_name": "亚美尼亚武装部队"},
            presences=[{"force_name": "ARMENIAN ARMED FORCES", "place_name": "Shusha", "presence": "absent"}],
        ),
    )

    assert response.status_code == 302
    claim = Claim.objects.get()
    assert claim.claimant == armed_forces
    assert claim.troop_presences.get().force == armed_forces
    assert Actor.objects.count() == 1


def test_the_edit_form_resolves_a_claimant_through_an_alias(client, reviewer, armed_forces, claim_factory):
    claim = claim_factory()
    client.force_login(reviewer)

    response = client.post(
        reverse("claims:claim_edit", args=[claim.pk]), edit(claim, claimant_name="ａｒｍｅｎｉａｎ armed forces")
    )

    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.claimant == armed_forces
    assert Actor.objects.count() == 1


def test_the_importer_resolves_names_through_aliases(editor, armed_forces):
    report = import_claims(
        editor,
        parse_json([{"text": "Twenty-seven killed", "language": "en", "claimant": "亚美尼亚武装部队"}]),
    )

    assert not report.failed
    assert Claim.objects.get().claimant == armed_forces
    assert Actor.objects.count() == 1


def test_the_api_resolves_names_through_aliases(reviewer, armed_forces):
    response = api(reviewer).post(
        "/api/claims/",
        {
            "text": "Twenty-seven were killed.",
            "language": "en",
            "claimant_name": "Armenian Armed Forces",
            "place_name": "Shusha",
            "troop_presences": [{"force_name": "亚美尼亚武装部队", "place_name": "SHUSHA", "presence": "present"}],
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["claimant"] == {"id": armed_forces.pk, "name": "Armed Forces of Armenia"}
    assert body["troop_presences"][0]["force"] == armed_forces.pk
    assert body["troop_presences"][0]["place"] == body["place"]["id"]
    assert Actor.objects.count() == 1


def test_the_api_refuses_a_claimant_given_both_by_id_and_by_name(reviewer, armed_forces):
    response = api(reviewer).post(
        "/api/claims/",
        {"text": "x", "language": "en", "claimant": armed_forces.pk, "claimant_name": "Someone else"},
        format="json",
    )

    assert response.status_code == 400
    assert "claimant_name" in response.json()["errors"]
    assert not Claim.objects.exists()


def test_an_alias_that_already_names_another_party_is_refused(editor, armed_forces):
    other = Actor.objects.create(name="Government of Armenia")
    with pytest.raises(Exception, match="already a name of"):
        add_actor_alias(other, editor, "亚美尼亚武装部队")
    assert ActorAlias.objects.filter(actor=other).count() == 0


@pytest.fixture
def split_party(reviewer, armed_forces):
    """The same force filed twice: once as the Armed Forces of Armenia, once
    as a party of its own under a Chinese name."""
    split = Actor.objects.create(name="亚美尼亚军队", name_original="亚美尼亚军队")
    ActorAlias.objects.create(actor=split, name="Armenian army")
    place = Place.objects.create(name="Shusha")
    presence = {"force": split, "place": place, "presence": "present"}
    claims = [
        submit_claim(
            reviewer,
            fields={"text": "亚美尼亚军队称27人死亡", "language": "zh", "claimant": split},
            figures=[FIGURE],
            presences=[presence],
        ),
        submit_claim(reviewer, fields={"text": "Troops are in Shusha", "language": "en"}, presences=[presence]),
        submit_claim(
            reviewer,
            fields={"text": "Armed forces: 30 killed", "language": "en", "claimant": armed_forces},
            figures=[{**FIGURE, "low": 30}],
        ),
    ]
    return split, claims


def test_a_merge_moves_every_claim_and_presence_and_deletes_nothing(editor, armed_forces, split_party):
    split, _claims = split_party
    counts = (
        Actor.objects.count(),
        Claim.objects.count(),
        CasualtyFigure.objects.count(),
        TroopPresence.objects.count(),
    )

    survivor = merge_actors(split, armed_forces, editor)

    assert survivor == armed_forces
    assert not Claim.objects.filter(claimant=split).exists()
    assert not TroopPresence.objects.filter(force=split).exists()
    assert not CasualtyFigure.objects.filter(claim__claimant=split).exists()
    assert (
        Actor.objects.count(),
        Claim.objects.count(),
        CasualtyFigure.objects.count(),
        TroopPresence.objects.count(),
    ) == counts
    split.refresh_from_db()
    assert split.merged_into == armed_forces
    # Its name and its aliases now find the survivor.
    assert resolve_actor("亚美尼亚军队") == armed_forces
    assert resolve_actor("ARMENIAN ARMY") == armed_forces
    assert set(armed_forces.aliases.values_list("name", flat=True)) >= {"亚美尼亚军队", "Armenian army"}


def test_a_merge_is_in_the_log_of_every_claim_it_touched(editor, armed_forces, split_party):
    split, (named, as_force, untouched) = split_party

    merge_actors(split, armed_forces, editor)

    for claim in (named, as_force):
        entry = ClaimLogEntry.objects.get(claim=claim, action=LogAction.PARTY_MERGED)
        assert entry.actor == editor
        assert "亚美尼亚军队" in entry.rationale
        claim.refresh_from_db()
        assert entry.claim_version == claim.version == 2
    assert ClaimLogEntry.objects.get(claim=named, action=LogAction.PARTY_MERGED).changes["claimant"][1]["id"] == (
        armed_forces.pk
    )
    assert "troop_presences.force" in ClaimLogEntry.objects.get(claim=as_force, action=LogAction.PARTY_MERGED).changes
    assert not ClaimLogEntry.objects.filter(claim=untouched, action=LogAction.PARTY_MERGED).exists()


def test_a_claim_filed_later_under_the_merged_id_goes_to_the_survivor(editor, reviewer, armed_forces, split_party):
    split, _claims = split_party
    merge_actors(split, armed_forces, editor)

    response = api(reviewer).post("/api/claims/", {"text": "x", "language": "en", "claimant": split.pk}, format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["claimant"]["id"] == armed_forces.pk


def test_a_merged_party_cannot_be_merged_again_nor_into_itself(editor, armed_forces, split_party):
    split, _claims = split_party
    with pytest.raises(Exception, match="itself"):
        merge_actors(armed_forces, armed_forces, editor)
    merge_actors(split, armed_forces, editor)
    with pytest.raises(Exception, match="already merged"):
        merge_actors(split, armed_forces, editor)


def _snapshot():
    return (
        list(Actor.objects.values_list("pk", "merged_into")),
        list(Claim.objects.values_list("pk", "claimant", "version")),
        list(TroopPresence.objects.values_list("pk", "force")),
        ClaimLogEntry.objects.count(),
        ActorAlias.objects.count(),
    )


def test_a_reviewer_may_not_merge_on_the_page_nor_through_the_api(client, reviewer, armed_forces, split_party):
    split, _claims = split_party
    before = _snapshot()
    client.force_login(reviewer)

    page = client.post(reverse("claims:actor_merge", args=[split.pk]), {"into": armed_forces.name})
    endpoint = api(reviewer).post(f"/api/actors/{split.pk}/merge/", {"into": armed_forces.pk}, format="json")

    assert page.status_code == 403
    assert endpoint.status_code == 403
    assert _snapshot() == before


def test_an_editor_merges_on_the_page_by_typing_the_survivors_name(client, editor, armed_forces, split_party):
    split, _claims = split_party
    client.force_login(editor)

    form = client.get(reverse("claims:actor_merge", args=[split.pk]))
    assert form.status_code == 200
    assert '<datalist id="actor-names"' in form.content.decode()

    response = client.post(reverse("claims:actor_merge", args=[split.pk]), {"into": "armenian ARMED forces"})

    assert response.status_code == 302
    assert not Claim.objects.filter(claimant=split).exists()
    split.refresh_from_db()
    assert split.merged_into == armed_forces


def test_the_merge_page_keeps_what_was_typed_when_the_name_is_unknown(client, editor, split_party):
    split, _claims = split_party
    client.force_login(editor)

    response = client.post(reverse("claims:actor_merge", args=[split.pk]), {"into": "Nobody we know"})

    assert response.status_code == 400
    assert 'value="Nobody we know"' in response.content.decode()
    split.refresh_from_db()
    assert split.merged_into is None


def test_an_editor_merges_through_the_api(editor, armed_forces, split_party):
    split, _claims = split_party

    response = api(editor).post(f"/api/actors/{split.pk}/merge/", {"into": armed_forces.pk}, format="json")

    assert response.status_code == 200, response.json()
    assert response.json()["id"] == armed_forces.pk
    assert not Claim.objects.filter(claimant=split).exists()
    again = api(editor).post(f"/api/actors/{split.pk}/merge/", {"into": armed_forces.pk}, format="json")
    assert again.status_code == 400


def test_places_merge_the_same_way(editor, reviewer):
    stepanakert = Place.objects.create(name="Stepanakert", precision="locality")
    khankendi = Place.objects.create(name="Khankendi", precision="locality", name_original="汉肯迪")
    event = Event.objects.create_named("Offensive")
    Event.objects.filter(pk=event.pk).update(place=khankendi)
    force = Actor.objects.create(name="Army")
    claim = submit_claim(
        reviewer,
        fields={"text": "Troops entered", "language": "en", "place": khankendi},
        presences=[{"force": force, "place": khankendi, "presence": "present"}],
    )

    merge_places(khankendi, stepanakert, editor)

    claim.refresh_from_db()
    assert claim.place == stepanakert
    assert claim.troop_presences.get().place == stepanakert
    assert Event.objects.get(pk=event.pk).place == stepanakert
    assert Place.objects.count() == 2
    assert resolve_place("汉肯迪") == resolve_place("KHANKENDI") == stepanakert
    assert ClaimLogEntry.objects.filter(claim=claim, action=LogAction.PLACE_MERGED).count() == 1
    assert add_place_alias(stepanakert, editor, "khankendi") is None
    assert PlaceAlias.objects.filter(place=stepanakert).count() == 2


def test_the_event_page_shows_the_figures_of_aliases_under_one_party(client, reviewer, armed_forces):
    event = Event.objects.create_named("Offensive")
    for typed, low in (("Armed Forces of Armenia", 27), ("亚美尼亚武装部队", 30), ("armenian armed forces", 32)):
        submit_claim(
            reviewer,
            fields={"text": f"{low} killed", "language": "en", "claimant_name": typed, "event": event},
            figures=[{**FIGURE, "low": low}],
        )
    client.force_login(reviewer)

    page = client.get(event.get_absolute_url()).content.decode()
    table = page.split('class="reconciliation-table cards"')[1].split("</table>")[0]

    # The party is named once, on its first row, with its three figures under it.
    assert table.count('<td data-label="Claimant">Armed Forces of Armenia</td>') == 1
    assert "亚美尼亚武装部队" not in table and "armenian armed forces" not in table
    assert table.split("<tbody>")[1].count("<tr>") == 3


def test_a_merge_reads_in_words_on_the_timeline(editor, armed_forces, split_party):
    split, (named, _as_force, _untouched) = split_party

    merge_actors(split, armed_forces, editor)

    wording = describe(ClaimLogEntry.objects.get(claim=named, action=LogAction.PARTY_MERGED))
    assert wording.headline == "Parties merged"
    assert {(change.label, change.old, change.new) for change in wording.changes} == {
        ("Claimant changed", "亚美尼亚军队", "Armed Forces of Armenia"),
        ("A troop presence's force changed", "亚美尼亚军队", "Armed Forces of Armenia"),
    }


def test_a_merge_tells_the_apps_above_which_claims_it_moved(editor, armed_forces, split_party):
    split, (named, as_force, _untouched) = split_party
    heard = []

    def listener(sender, claim_ids, user, **kwargs):
        heard.append((set(claim_ids), user))

    claim_changed.connect(listener)
    try:
        merge_actors(split, armed_forces, editor)
    finally:
        claim_changed.disconnect(listener)

    assert heard == [({named.pk, as_force.pk}, editor)]
