"""Whatever a client sends, the API answers 4xx in its one error shape,
never a 500."""

import base64

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from claims.choices import ClaimStatus, Language
from claims.models import Claim, Event, Evidence
from claims.workflow import change_status
from tests.openapi_conformance import assert_documented

HUGE = "9" * 30


@pytest.fixture
def claim(claim_factory, reviewer):
    return claim_factory(submitter=reviewer, sources=["https://example.org/a"])


def assert_error(response, status, code=None):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["detail"]
    assert body["code"]
    if code is not None:
        assert body["code"] == code
    return body


@pytest.mark.parametrize(
    "path",
    [
        "/api/claims/abc/",
        f"/api/claims/{HUGE}/",
        "/api/claims/-1/",
        "/api/claims/1.5/transitions/",
        f"/api/claims/{HUGE}/evidence/",
        "/api/sources/abc/",
        f"/api/sources/{HUGE}/checks/",
        "/api/events/%20/",
        "/api/no-such-endpoint/",
    ],
)
def test_unknown_or_malformed_ids_are_404(reviewer_api, claim, path):
    assert_error(reviewer_api.get(path), 404, "not_found")


@pytest.mark.parametrize("path", ["/api/evidence/abc/withdraw/", f"/api/evidence/{HUGE}/withdraw/"])
def test_withdrawing_unknown_evidence_is_404(reviewer_api, path):
    assert_error(reviewer_api.post(path, {}, format="json"), 404, "not_found")


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"date_from": "not-a-date"}, "date_from"),
        ({"date_to": "2020-13-45"}, "date_to"),
        ({"event": "abc"}, "event"),
        ({"event": HUGE}, "event"),
        ({"claimant": "-1"}, "claimant"),
        ({"outlet": "x"}, "outlet"),
        ({"status": "bogus"}, "status"),
        ({"language": "klingon"}, "language"),
        ({"source_health": "great"}, "source_health"),
        ({"q": "nul\x00byte"}, "q"),
    ],
)
def test_bad_filters_are_400_on_their_field(reviewer_api, claim, params, field):
    body = assert_error(reviewer_api.get("/api/claims/", params), 400, "invalid")
    assert field in body["errors"]


@pytest.mark.parametrize(
    "params",
    [
        {"page_size": "100000000"},
        {"page_size": "-3"},
        {"page_size": "lots"},
        {"ordering": "no_such_field"},
        {"ordering": "-created_at"},
    ],
)
def test_odd_paging_and_ordering_fall_back_to_defaults(reviewer_api, claim, params):
    response = reviewer_api.get("/api/claims/", params)
    assert response.status_code == 200
    assert [c["id"] for c in response.json()["results"]] == [claim.pk]


def test_page_size_is_capped(reviewer_api, claim_factory):
    for _ in range(101):
        Claim.objects.create(text="bulk", language="en", submitter=claim_factory().submitter)
    response = reviewer_api.get("/api/claims/", {"page_size": "5000"})
    assert len(response.json()["results"]) == 100


@pytest.mark.parametrize(
    "cursor",
    ["garbage", base64.b64encode(b"p=not-a-date").decode(), base64.b64encode(b"o=-5&r=7").decode()],
)
def test_bad_cursors_are_4xx(reviewer_api, claim, cursor):
    response = reviewer_api.get("/api/claims/", {"cursor": cursor})
    assert 400 <= response.status_code < 500
    assert response.json()["code"]


@pytest.mark.parametrize(
    "payload",
    [
        {"text": "x", "language": "klingon"},
        {"text": "x", "language": "en", "kind": "rumour"},
        {"text": "x", "language": "en", "claimant": "abc"},
        {"text": "x", "language": "en", "claimant": int(HUGE)},
        {"text": "x", "language": "en", "event": 424242},
        {"text": "x", "language": "en", "occurred_on": "yesterday"},
        {"text": "x", "language": "en", "casualty_figures": "many"},
        {"text": "x", "language": "en", "casualty_figures": [{"category": "eaten", "qualifier": "exact", "low": 1}]},
        {"text": "x", "language": "en", "casualty_figures": [{"category": "killed", "qualifier": "exact", "low": -1}]},
        {"text": "x", "language": "en", "casualty_figures": [{"category": "killed", "qualifier": "up_to"}]},
        {"text": "x", "language": "en", "troop_presences": [{"force": 1, "place": 1, "presence": "maybe"}]},
        {"text": "x", "language": "en", "sources": [{"url": "javascript:alert(1)"}]},
        {"text": "x", "language": "en", "sources": [{"url": "https://example.org/" + "a" * 3000}]},
        {"text": "", "language": "en"},
        ["not", "an", "object"],
    ],
)
def test_bad_claims_are_400_and_write_nothing(reviewer_api, payload):
    assert_error(reviewer_api.post("/api/claims/", payload, format="json"), 400, "invalid")
    assert not Claim.objects.exists()


def test_malformed_json_is_400(reviewer_api):
    response = reviewer_api.post("/api/claims/", data="{not json", content_type="application/json")
    assert_error(response, 400, "parse_error")


def test_bad_casualty_bounds_on_edit_are_400(reviewer_api, claim):
    figures = [{"category": "killed", "qualifier": "at_least", "low": 5, "high": 9}]
    response = reviewer_api.patch(
        f"/api/claims/{claim.pk}/", {"version": 1, "casualty_figures": figures}, format="json"
    )
    body = assert_error(response, 400, "invalid")
    assert list(body["errors"]) == ["casualty_figures.0.high"]
    claim.refresh_from_db()
    assert claim.version == 1


@pytest.mark.parametrize(
    "payload",
    [
        {"target": "published", "version": 1},
        {"target": "in_review", "version": "one"},
        {"target": "in_review", "version": 0},
        {"target": "in_review"},
        {},
    ],
)
def test_bad_transitions_are_400(reviewer_api, claim, payload):
    assert_error(reviewer_api.post(f"/api/claims/{claim.pk}/transitions/", payload, format="json"), 400, "invalid")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.UNVERIFIED


def test_a_huge_version_is_stale_not_a_crash(reviewer_api, claim):
    response = reviewer_api.post(
        f"/api/claims/{claim.pk}/transitions/", {"target": "in_review", "version": int(HUGE)}, format="json"
    )
    assert assert_error(response, 409, "stale_version")["current_version"] == 1


def test_evidence_file_upload(reviewer_api, claim):
    upload = SimpleUploadedFile("notes.txt", b"Interview notes", content_type="text/plain")
    response = reviewer_api.post(f"/api/claims/{claim.pk}/evidence/", {"stance": "context", "file": upload})

    assert response.status_code == 201, response.content
    evidence = Evidence.objects.get()
    assert evidence.file_size == len(b"Interview notes")
    # The file is offered through the permission-checked download, not as public media.
    download = response.json()["file"]
    assert download.endswith(f"/api/evidence/{evidence.pk}/file/")
    assert b"".join(reviewer_api.get(download).streaming_content) == b"Interview notes"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"stance": "context", "file": ("run.exe", b"MZ")}, "file"),
        ({"stance": "context"}, "non_field_errors"),
        ({"stance": "loves", "source_url": "https://example.org/e"}, "stance"),
        ({"stance": "context", "source_url": "ftp://example.org/e"}, "source_url"),
    ],
)
def test_bad_evidence_is_400(reviewer_api, claim, payload, field):
    data = dict(payload)
    if "file" in data:
        name, content = data["file"]
        data["file"] = SimpleUploadedFile(name, content)
    body = assert_error(reviewer_api.post(f"/api/claims/{claim.pk}/evidence/", data), 400, "invalid")
    assert field in body["errors"]
    assert not Evidence.objects.exists()


def test_withdrawing_twice_is_refused(reviewer_api, claim, reviewer):
    upload = SimpleUploadedFile("notes.txt", b"x", content_type="text/plain")
    evidence_id = reviewer_api.post(f"/api/claims/{claim.pk}/evidence/", {"stance": "context", "file": upload}).json()[
        "id"
    ]
    assert reviewer_api.post(f"/api/evidence/{evidence_id}/withdraw/", {}, format="json").status_code == 200
    assert_error(
        reviewer_api.post(f"/api/evidence/{evidence_id}/withdraw/", {}, format="json"), 403, "permission_denied"
    )


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": "E", "slug": "taken"}, "slug"),
        ({"name": "E", "slug": "not a slug"}, "slug"),
        ({"name": "E", "slug": "fine", "started_on": "soon"}, "started_on"),
        ({"name": "E", "slug": "fine", "place": "x"}, "place"),
    ],
)
def test_bad_events_are_400(reviewer_api, payload, field):
    Event.objects.create(name="Taken", slug="taken")
    body = assert_error(reviewer_api.post("/api/events/", payload, format="json"), 400, "invalid")
    assert field in body["errors"]
    assert Event.objects.count() == 1


def test_anonymous_callers_are_throttled(monkeypatch, claim_factory, editor, other_editor):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "3/min", "user": "1000/min"})
    published = claim_factory()
    change_status(published, editor, ClaimStatus.IN_REVIEW, expected_version=1)
    change_status(published, other_editor, ClaimStatus.SUPPORTED, rationale="ok", expected_version=2)
    anonymous = APIClient()

    statuses = [anonymous.get("/api/claims/").status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    assert anonymous.get("/api/claims/").json()["code"] == "throttled"


def test_unauthenticated_answers_carry_the_shape(reviewer_api):
    body = assert_error(APIClient().get("/api/sources/"), 401, "not_authenticated")
    assert "errors" not in body


# Found by fuzzing (tests/test_api_fuzz.py): answers the schema did not describe.


def test_a_source_not_yet_checked_matches_the_schema(reviewer_api, claim):
    source = claim.source_links.get().source
    response = reviewer_api.get(f"/api/sources/{source.pk}/")

    body = response.json()
    assert (body["outlet"], body["via_agency"], body["latest_check"]) == (None, None, None)
    assert_documented(response, "get", "/api/sources/{id}/")


def test_evidence_without_a_file_matches_the_schema(reviewer_api, claim):
    evidence = {"stance": "supports", "source_url": "https://example.org/b"}
    response = reviewer_api.post(f"/api/claims/{claim.pk}/evidence/", evidence, format="json")

    assert response.json()["file"] is None
    assert_documented(response, "post", "/api/claims/{id}/evidence/")
    assert_documented(reviewer_api.get(f"/api/claims/{claim.pk}/evidence/"), "get", "/api/claims/{id}/evidence/")


def test_an_account_without_email_matches_the_schema(reviewer_api):
    response = reviewer_api.get("/api/me/")

    assert response.json()["email"] == ""
    assert_documented(response, "get", "/api/me/")


def test_refusals_are_documented_in_the_error_shape(reviewer_api, claim):
    assert_documented(reviewer_api.get("/api/sources/0/"), "get", "/api/sources/{id}/")
    assert_documented(reviewer_api.get("/api/claims/", {"status": "bogus"}), "get", "/api/claims/")
    assert_documented(APIClient().get("/api/me/"), "get", "/api/me/")
    stale = reviewer_api.patch(f"/api/claims/{claim.pk}/", {"version": 99, "text": "Changed"}, format="json")
    assert stale.status_code == 409
    assert_documented(stale, "patch", "/api/claims/{id}/")


def test_filters_apply_only_when_named(reviewer_api, claim_factory):
    english = claim_factory(language=Language.EN)
    russian = claim_factory(language=Language.RU)

    def listed(params):
        response = reviewer_api.get("/api/claims/", params)
        assert response.status_code == 200, response.content
        return {c["id"] for c in response.json()["results"]}

    assert listed({}) == listed({"unknown": "ru"}) == {english.pk, russian.pk}
    assert listed({"language": "ru"}) == {russian.pk}
    assert listed({"language": "ru", "page_size": "10"}) == {russian.pk}
