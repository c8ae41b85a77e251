"""The claims API end to end: submit, read, edit with versions, move through
the workflow, link sources, and the error shape of each refusal."""

import datetime

import pytest
from rest_framework.test import APIClient

from accounts.tokens import issue
from claims.choices import BoundQualifier, CasualtyCategory, ClaimStatus, LogAction
from claims.models import Claim, ClaimLogEntry
from claims.workflow import change_status
from sources.models import Source


@pytest.fixture
def client_for():
    def make(user=None):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return make


def claim_payload(**overrides):
    payload = {
        "text": "At least 6 soldiers were killed near Shusha.",
        "language": "en",
        "kind": "casualty_figure",
        "casualty_figures": [{"category": "killed", "population": "military", "qualifier": "at_least", "low": 6}],
        "sources": [{"url": "https://news.example.org/story?utm_source=x", "quoted_passage": "at least 6"}],
    }
    payload.update(overrides)
    return payload


def test_reviewer_submits_a_claim_with_figures_and_sources(client_for, reviewer):
    response = client_for(reviewer).post("/api/claims/", claim_payload(), format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    claim = Claim.objects.get(pk=body["id"])
    assert claim.submitter == reviewer
    assert body["version"] == 1
    assert body["status"] == ClaimStatus.UNVERIFIED
    assert body["casualty_figures"][0]["display_range"] == "≥ 6"
    [link] = body["sources"]
    assert link["source"]["url"] == "https://news.example.org/story"
    assert link["source"]["health"] == "pending"
    assert link["source"]["latest_check"] is None
    assert Source.objects.get().check_requested_at is not None


def test_bad_casualty_bounds_name_the_nested_field_and_write_nothing(client_for, reviewer):
    figures = [
        {"category": CasualtyCategory.KILLED, "qualifier": BoundQualifier.EXACT, "low": 3},
        {"category": CasualtyCategory.KILLED, "qualifier": BoundQualifier.ABOUT, "low": 10, "high": 5},
    ]
    response = client_for(reviewer).post("/api/claims/", claim_payload(casualty_figures=figures), format="json")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert list(body["errors"]) == ["casualty_figures.1.high"]
    assert "below the low bound" in body["errors"]["casualty_figures.1.high"][0]
    assert not Claim.objects.exists()


def test_bad_source_url_is_a_field_error(client_for, reviewer):
    payload = claim_payload(sources=[{"url": "ftp://files.example.org/x"}, {"url": "not a url"}])
    response = client_for(reviewer).post("/api/claims/", payload, format="json")

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"sources.0.url", "sources.1.url"}
    assert not Claim.objects.exists()


def test_model_level_errors_from_the_service_are_400(client_for, reviewer):
    payload = claim_payload(occurred_on="2020-10-10", occurred_until="2020-10-01")
    response = client_for(reviewer).post("/api/claims/", payload, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == {"non_field_errors": ["The end date is before the start date."]}


def test_patch_applies_the_change_and_bumps_the_version(client_for, claim_factory, reviewer):
    claim = claim_factory(submitter=reviewer)
    response = client_for(reviewer).patch(
        f"/api/claims/{claim.pk}/", {"version": 1, "translation": "English text"}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert response.json()["version"] == 2
    claim.refresh_from_db()
    assert claim.translation == "English text"
    assert claim.log.filter(action=LogAction.EDITED).count() == 1


def test_patch_without_version_is_refused(client_for, claim_factory, reviewer):
    claim = claim_factory(submitter=reviewer)
    response = client_for(reviewer).patch(f"/api/claims/{claim.pk}/", {"translation": "x"}, format="json")

    assert response.status_code == 400
    assert "version" in response.json()["errors"]


def test_stale_patch_is_409_with_the_current_version(client_for, claim_factory, reviewer, editor):
    claim = claim_factory(submitter=reviewer)
    change_status(claim, editor, ClaimStatus.IN_REVIEW, expected_version=1)

    response = client_for(reviewer).patch(
        f"/api/claims/{claim.pk}/", {"version": 1, "translation": "overwrites?"}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["code"] == "stale_version"
    assert response.json()["current_version"] == 2
    claim.refresh_from_db()
    assert claim.translation == ""


def test_transitions_lists_the_moves_of_this_user(client_for, claim_factory, reviewer, editor):
    claim = claim_factory(submitter=reviewer)
    change_status(claim, editor, ClaimStatus.IN_REVIEW, expected_version=1)

    as_editor = client_for(editor).get(f"/api/claims/{claim.pk}/transitions/").json()
    as_submitter = client_for(reviewer).get(f"/api/claims/{claim.pk}/transitions/").json()

    assert {t["target"] for t in as_editor} == {*ClaimStatus.verdicts(), ClaimStatus.WITHDRAWN}
    assert [t["target"] for t in as_submitter] == [ClaimStatus.WITHDRAWN]


def test_publishing_a_verdict(client_for, claim_factory, reviewer, editor):
    claim = claim_factory(submitter=reviewer)
    url = f"/api/claims/{claim.pk}/transitions/"
    client = client_for(editor)
    assert client.post(url, {"target": "in_review", "version": 1}, format="json").status_code == 200

    response = client.post(url, {"target": "refuted", "version": 2, "rationale": "Satellite images."}, format="json")

    assert response.status_code == 200, response.json()
    assert response.json()["status"] == ClaimStatus.REFUTED
    assert claim.verdicts.get().rationale == "Satellite images."


def test_missing_rationale_is_a_400_on_the_rationale_field(client_for, claim_factory, reviewer, editor):
    claim = claim_factory(submitter=reviewer)
    change_status(claim, editor, ClaimStatus.IN_REVIEW, expected_version=1)

    response = client_for(editor).post(
        f"/api/claims/{claim.pk}/transitions/", {"target": "supported", "version": 2}, format="json"
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "rationale_required"
    assert list(body["errors"]) == ["rationale"]
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.IN_REVIEW


def test_stale_transition_is_409_with_the_current_version(client_for, claim_factory, reviewer, editor):
    claim = claim_factory(submitter=reviewer)
    change_status(claim, editor, ClaimStatus.IN_REVIEW, expected_version=1)

    response = client_for(editor).post(
        f"/api/claims/{claim.pk}/transitions/", {"target": "withdrawn", "version": 1, "rationale": "dup"}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["current_version"] == 2
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.IN_REVIEW


def test_two_person_rule(client_for, claim_factory, editor):
    claim = claim_factory(submitter=editor)
    change_status(claim, editor, ClaimStatus.IN_REVIEW, expected_version=1)
    entries = ClaimLogEntry.objects.count()

    response = client_for(editor).post(
        f"/api/claims/{claim.pk}/transitions/",
        {"target": "supported", "version": 2, "rationale": "I checked it myself."},
        format="json",
    )

    assert response.status_code == 403
    assert response.json()["code"] == "two_person"
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.IN_REVIEW
    assert ClaimLogEntry.objects.count() == entries


def test_editor_who_rewrote_a_reviewers_figures_cannot_publish_them_alone(client_for, claim_factory, reviewer, editor):
    """The outside review's case: "6 killed by mines" rewritten into "600
    killed by shelling" and published by the same editor."""
    claim = claim_factory(submitter=reviewer, text="6 killed by mines, 4 soldiers and 2 civilians")
    claim = change_status(claim, reviewer, ClaimStatus.IN_REVIEW, expected_version=claim.version)
    api = client_for(editor)
    edited = api.patch(
        f"/api/claims/{claim.pk}/",
        {
            "version": claim.version,
            "text": "600 killed by shelling",
            "casualty_figures": [{"category": "killed", "qualifier": "exact", "low": 600}],
        },
        format="json",
    )
    assert edited.status_code == 200

    offered = api.get(f"/api/claims/{claim.pk}/transitions/").json()
    published = api.post(
        f"/api/claims/{claim.pk}/transitions/",
        {"target": "supported", "version": edited.json()["version"], "rationale": "Confirmed."},
        format="json",
    )

    assert "supported" not in {move["target"] for move in offered}
    assert (published.status_code, published.json()["code"]) == (403, "two_person")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.IN_REVIEW


def test_a_move_the_table_does_not_allow_is_403_with_its_code(client_for, claim_factory, reviewer, editor):
    claim = claim_factory(submitter=reviewer)

    response = client_for(editor).post(
        f"/api/claims/{claim.pk}/transitions/", {"target": "supported", "version": 1, "rationale": "x"}, format="json"
    )

    assert response.status_code == 403
    assert response.json()["code"] == "not_allowed"


def test_linking_a_source_twice_keeps_one_link(client_for, claim_factory, reviewer):
    claim = claim_factory(submitter=reviewer)
    client = client_for(reviewer)
    url = f"/api/claims/{claim.pk}/sources/"

    first = client.post(url, {"url": "https://a.example.org/p", "role": "repetition"}, format="json")
    second = client.post(url, {"url": "https://A.example.org/p#top"}, format="json")

    assert first.status_code == 201, first.json()
    assert first.json()["role"] == "repetition"
    assert second.json()["id"] == first.json()["id"]
    assert claim.source_links.count() == 1


def test_anonymous_sees_only_published_claims(client_for, claim_factory, reviewer, editor, other_editor):
    hidden = claim_factory(submitter=reviewer)
    published = claim_factory(submitter=reviewer)
    change_status(published, editor, ClaimStatus.IN_REVIEW, expected_version=1)
    change_status(published, other_editor, ClaimStatus.SUPPORTED, rationale="ok", expected_version=2)
    anonymous = client_for()

    listed = anonymous.get("/api/claims/").json()["results"]

    assert [c["id"] for c in listed] == [published.pk]
    assert anonymous.get(f"/api/claims/{hidden.pk}/").status_code == 404
    assert anonymous.get(f"/api/claims/{published.pk}/").status_code == 200
    assert len(client_for(reviewer).get("/api/claims/").json()["results"]) == 2


def test_list_filters_with_the_shared_filterset(client_for, claim_factory, reviewer, editor):
    claim_factory(submitter=reviewer, text="Drone strike on the bridge")
    in_review = claim_factory(submitter=reviewer, text="Shelling of the market")
    change_status(in_review, editor, ClaimStatus.IN_REVIEW, expected_version=1)
    client = client_for(reviewer)

    by_status = client.get("/api/claims/", {"status": "in_review"}).json()["results"]
    by_text = client.get("/api/claims/", {"q": "bridge"}).json()["results"]

    assert [c["id"] for c in by_status] == [in_review.pk]
    assert [c["text"] for c in by_text] == ["Drone strike on the bridge"]


def test_me_tells_the_roles(client_for, editor):
    body = client_for(editor).get("/api/me/").json()

    assert body["username"] == "editor"
    assert body["roles"] == ["editor", "reviewer"]


def test_ordering_chooses_the_direction_of_the_cursor(client_for, claim_factory, reviewer):
    older = claim_factory(submitter=reviewer)
    newer = claim_factory(submitter=reviewer)
    client = client_for(reviewer)

    default = [c["id"] for c in client.get("/api/claims/").json()["results"]]
    oldest_first = [c["id"] for c in client.get("/api/claims/", {"ordering": "created_at"}).json()["results"]]

    assert default == [newer.pk, older.pk]
    assert oldest_first == [older.pk, newer.pk]


def test_cursor_pages_through_every_claim_once(client_for, claim_factory, reviewer):
    created = {claim_factory(submitter=reviewer).pk for _ in range(5)}
    client = client_for(reviewer)
    seen, url = [], "/api/claims/?page_size=2"
    while url:
        page = client.get(url).json()
        seen += [c["id"] for c in page["results"]]
        url = page["next"]

    assert sorted(seen) == sorted(created)


def test_token_authentication(reviewer):
    _token, secret = issue(reviewer, "tests")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")

    assert client.get("/api/me/").json()["username"] == "reviewer"
    assert client.post("/api/claims/", claim_payload(sources=[]), format="json").status_code == 201


def test_a_listed_claim_says_what_its_own_page_says(client_for, claim_factory, reviewer):
    from claims.models import Actor, Event, Place

    claim = claim_factory(
        text="当地至少有27人死亡",
        language="zh",
        translation="At least 27 killed",
        claimant=Actor.objects.create(name="Local Armenians"),
        event=Event.objects.create(name="Offensive", slug="offensive"),
        place=Place.objects.create(name="Stepanakert"),
        occurred_on=datetime.date(2023, 9, 20),
    )
    client = client_for(reviewer)

    listed = client.get("/api/claims/").json()["results"][0]
    detail = client.get(f"/api/claims/{claim.pk}/").json()

    assert listed == {name: detail[name] for name in listed}
    assert listed["claimant"] == {"id": claim.claimant_id, "name": "Local Armenians"}
    assert listed["occurred_on"] == "2023-09-20"
    assert {"casualty_figures", "sources"} <= detail.keys()


def test_the_list_writes_each_claim_as_its_detail_does(client_for, reviewer, claim_factory, settings):
    # The list writes dates and times itself rather than through DRF's fields
    # (claims.api.serializers.iso_datetime): it must write what they write,
    # whatever the time zone and down to the microsecond.
    settings.TIME_ZONE = "UTC"
    claim = claim_factory(occurred_on=datetime.date(2024, 2, 29), stated_on=datetime.date(2024, 3, 1))
    Claim.objects.filter(pk=claim.pk).update(
        created_at=datetime.datetime(2024, 3, 1, 8, 30, 5, 123456, tzinfo=datetime.UTC)
    )
    client = client_for(reviewer)

    listed = client.get("/api/claims/").json()["results"][0]
    detail = client.get(f"/api/claims/{claim.pk}/").json()

    shared = {"id", "occurred_on", "occurred_until", "stated_on", "created_at", "updated_at", "evidence_grade"}
    assert {name: listed[name] for name in shared} == {name: detail[name] for name in shared}
    assert listed["created_at"] == "2024-03-01T08:30:05.123456Z"
