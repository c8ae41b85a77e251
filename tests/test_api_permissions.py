"""Who may call which endpoint: every endpoint × method × role, written out.

The subject is an *open* claim (in review) submitted by a reviewer who is
none of the callers, with a linked source and evidence by that submitter;
and a *published* claim. Anonymous callers and accounts without a role do
not see open claims at all (404); where a write is refused, nothing in the
database changes.
"""

from datetime import date

import pytest
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.roles import Role
from claims.choices import ClaimStatus, Stance
from claims.models import Actor, Claim, ClaimLogEntry, ClaimSource, Event, Evidence, Place, Verdict
from claims.services import SourceLinkData, add_evidence, submit_claim
from claims.workflow import change_status
from intelligence.models import ContradictionFlag
from sources.archive import archive
from sources.choices import CheckOutcome
from sources.fetch import Exchange, FetchResult
from sources.models import Outlet, Source, SourceCheck
from tests.written_once import member, written_for_the_module

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "outsider", "reviewer", "editor", "admin_user")

# (method, path, payload): expected status for anonymous, outsider, reviewer, editor, admin
MATRIX = [
    ("get", "/api/claims/", None, (200, 200, 200, 200, 200)),
    ("post", "/api/claims/", {"text": "New claim", "language": "en"}, (401, 403, 201, 201, 201)),
    ("put", "/api/claims/{open}/", {"text": "x"}, (405, 405, 405, 405, 405)),
    ("delete", "/api/claims/{open}/", None, (405, 405, 405, 405, 405)),
    ("get", "/api/claims/{open}/", None, (404, 404, 200, 200, 200)),
    ("get", "/api/claims/{published}/", None, (200, 200, 200, 200, 200)),
    ("patch", "/api/claims/{open}/", {"version": 2, "translation": "t"}, (404, 404, 403, 200, 200)),
    ("patch", "/api/claims/{published}/", {"version": 3, "translation": "t"}, (401, 403, 403, 403, 403)),
    ("get", "/api/claims/{open}/transitions/", None, (404, 404, 200, 200, 200)),
    ("get", "/api/claims/{published}/transitions/", None, (200, 200, 200, 200, 200)),
    (
        "post",
        "/api/claims/{open}/transitions/",
        {"target": ClaimStatus.SUPPORTED, "version": 2, "rationale": "Footage matches."},
        (404, 404, 403, 200, 200),
    ),
    (
        "post",
        "/api/claims/{published}/transitions/",
        {"target": ClaimStatus.IN_REVIEW, "version": 3, "rationale": "New footage."},
        (401, 403, 403, 200, 200),
    ),
    ("post", "/api/claims/{open}/sources/", {"url": "https://example.org/new"}, (404, 404, 201, 201, 201)),
    ("post", "/api/claims/{published}/sources/", {"url": "https://example.org/new"}, (401, 403, 201, 201, 201)),
    ("get", "/api/claims/{open}/evidence/", None, (401, 403, 200, 200, 200)),
    ("get", "/api/claims/{published}/evidence/", None, (401, 403, 200, 200, 200)),
    (
        "post",
        "/api/claims/{open}/evidence/",
        {"stance": Stance.REFUTES, "source_url": "https://example.org/ev2"},
        (404, 404, 201, 201, 201),
    ),
    (
        "post",
        "/api/claims/{open}/sources/{link}/withdraw/",
        {"reason": "Not the ministry's page."},
        (401, 403, 403, 200, 200),
    ),
    ("post", "/api/evidence/{evidence}/withdraw/", {"reason": "Duplicate."}, (404, 404, 403, 200, 200)),
    # The evidence is a source without a file: members get past the permission check to a 404.
    ("get", "/api/evidence/{evidence}/file/", None, (401, 403, 404, 404, 404)),
    ("get", "/api/sources/", None, (401, 403, 200, 200, 200)),
    ("post", "/api/sources/", {"url": "https://example.org/x"}, (405, 405, 405, 405, 405)),
    ("get", "/api/sources/{source}/", None, (401, 403, 200, 200, 200)),
    ("get", "/api/sources/{source}/checks/", None, (401, 403, 200, 200, 200)),
    ("post", "/api/sources/{source}/check/", None, (401, 403, 202, 202, 202)),
    ("get", "/api/sources/{source}/checks/{check}/archive/", None, (401, 403, 200, 200, 200)),
    # The world's check is the source's first: members get past the permission check to a 404.
    ("get", "/api/sources/{source}/checks/{check}/changes/", None, (401, 403, 404, 404, 404)),
    ("get", "/api/events/", None, (401, 403, 200, 200, 200)),
    ("get", "/api/events/{event}/", None, (401, 403, 200, 200, 200)),
    ("get", "/api/events/{event}/reconciliation/", None, (401, 403, 200, 200, 200)),
    ("get", "/api/contradictions/", None, (401, 403, 200, 200, 200)),
    ("get", "/api/contradictions/{flag}/", None, (401, 403, 200, 200, 200)),
    ("post", "/api/contradictions/{flag}/explain/", {"note": "Different districts."}, (401, 403, 200, 200, 200)),
    ("post", "/api/events/", {"name": "Ceasefire talks", "slug": "ceasefire-talks"}, (401, 403, 201, 201, 201)),
    ("patch", "/api/events/{event}/", {"name": "Renamed"}, (401, 403, 200, 200, 200)),
    # The slug is the event page's address: changing it breaks the links to it.
    ("patch", "/api/events/{event}/", {"slug": "shusha-1992"}, (401, 403, 403, 200, 200)),
    ("post", "/api/ingest/", {"text": "Six people were killed, officials said."}, (401, 403, 200, 200, 200)),
    # An article given by its url: its source is created and its check asked for.
    ("post", "/api/ingest/", {"url": "https://example.org/article"}, (401, 403, 202, 202, 202)),
    ("get", "/api/ingest/{source}/", None, (401, 403, 200, 200, 200)),
    ("get", "/api/me/", None, (401, 200, 200, 200, 200)),
    ("get", "/api/actors/", None, (401, 403, 200, 200, 200)),
    ("get", "/api/actors/?q=armenia", None, (401, 403, 200, 200, 200)),
    ("get", "/api/actors/{party}/", None, (401, 403, 200, 200, 200)),
    # Parties are written by the claim services (by name) and the admin, not here.
    ("post", "/api/actors/", {"name": "New party"}, (405, 405, 405, 405, 405)),
    ("patch", "/api/actors/{party}/", {"name": "Renamed"}, (405, 405, 405, 405, 405)),
    # A merge rewrites the claimant of every claim that names the party: editors only.
    ("post", "/api/actors/{duplicate_party}/merge/", {"into": "{party}"}, (401, 403, 403, 200, 200)),
    ("get", "/api/places/", None, (401, 403, 200, 200, 200)),
    ("get", "/api/places/{place}/", None, (401, 403, 200, 200, 200)),
    ("post", "/api/places/{duplicate_place}/merge/", {"into": "{place}"}, (401, 403, 403, 200, 200)),
    ("get", "/api/outlets/", None, (401, 403, 200, 200, 200)),
    ("get", "/api/outlets/?q=example", None, (401, 403, 200, 200, 200)),
    ("get", "/api/outlets/{outlet}/", None, (401, 403, 200, 200, 200)),
    ("post", "/api/outlets/", {"name": "New outlet"}, (405, 405, 405, 405, 405)),
]

# Endpoints that take a body to read, not to write: an article to suggest claims from.
READ_BY_POST = {"/api/ingest/"}

CELLS = [
    pytest.param(method, path, payload, role, expected, id=f"{method.upper()} {path} as {role}")
    for method, path, payload, statuses in MATRIX
    for role, expected in zip(ROLES, statuses, strict=True)
]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    # Written once for the module: claim by claim, through the services, it took a fifth of a second a test.
    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")), written_for_the_module(django_db_blocker):
        yield _write_world()


def _write_world() -> dict:
    submitter = member("submitter", Role.REVIEWER)
    chief, deputy = member("chief", Role.EDITOR), member("deputy", Role.EDITOR)

    def submit(sources=(), figures=(), **fields):
        fields = {"text": f"Claim {Claim.objects.count() + 1}", "language": "en", "kind": "statement", **fields}
        links = [SourceLinkData(url=url) for url in sources]
        return submit_claim(submitter, fields=fields, figures=figures, sources=links)

    open_claim = submit(sources=["https://example.org/origin"])
    change_status(open_claim, chief, ClaimStatus.IN_REVIEW, expected_version=1)
    published = submit()
    change_status(published, chief, ClaimStatus.IN_REVIEW, expected_version=1)
    change_status(published, deputy, ClaimStatus.REFUTED, rationale="Contradicted.", expected_version=2)
    evidence = add_evidence(open_claim, submitter, stance=Stance.SUPPORTS, source_url="https://example.org/ev")
    event = Event.objects.create(name="Battle of Shusha", slug="battle-of-shusha")
    party, duplicate_party = (
        Actor.objects.create(name="Armed Forces of Armenia"),
        Actor.objects.create(name="亚美尼亚军队"),
    )
    place, duplicate_place = Place.objects.create(name="Shusha"), Place.objects.create(name="舒沙")
    Claim.objects.filter(pk=open_claim.pk).update(claimant=duplicate_party, place=duplicate_place)
    for count in (6, 8):  # two counts of the same day that cannot both be true: a contradiction flag
        killed = {"category": "killed", "population": "all", "qualifier": "exact", "low": count}
        submit(event=event, stated_on=date(2023, 9, 19), figures=[killed])
    source = open_claim.source_links.get().source
    now = timezone.now()
    # The check that answered the source's request, so that a new one may be asked for.
    check = SourceCheck(
        source=source, requested_at=source.check_requested_at, started_at=now, finished_at=now, outcome=CheckOutcome.OK
    )
    page = b"<p>Shusha</p>"
    stored = archive(
        FetchResult(
            outcome=CheckOutcome.OK, http_status=200, body=page, exchanges=[Exchange(source.url, 200, wire_body=page)]
        ),
    )
    check.warc, check.warc_sha256 = stored.name, stored.sha256
    check.save()
    return {
        "open": open_claim.pk,
        "published": published.pk,
        "evidence": evidence.pk,
        "source": source.pk,
        "check": check.pk,
        "event": event.pk,
        "link": open_claim.source_links.get().pk,
        "party": party.pk,
        "duplicate_party": duplicate_party.pk,
        "place": place.pk,
        "duplicate_place": duplicate_place.pk,
        "outlet": Outlet.objects.create(name="Example News", domain="example.org").pk,
        "flag": ContradictionFlag.objects.get().pk,
    }


def database_state():
    """Everything a refused write could have touched."""
    return {
        "claims": list(Claim.objects.order_by("pk").values_list("pk", "status", "version", "translation")),
        "links": list(ClaimSource.objects.order_by("pk").values_list("pk", "withdrawn_at")),
        "evidence": list(Evidence.objects.order_by("pk").values_list("pk", "withdrawn_at")),
        "log": ClaimLogEntry.objects.count(),
        "verdicts": list(Verdict.objects.order_by("pk").values_list("pk", "superseded_at")),
        "sources": list(Source.objects.order_by("pk").values_list("pk", "check_requested_at")),
        "events": list(Event.objects.order_by("pk").values_list("pk", "name", "slug")),
        "parties": list(Actor.objects.order_by("pk").values_list("pk", "name", "merged_into")),
        "places": list(Place.objects.order_by("pk").values_list("pk", "name", "merged_into")),
        "claimants": list(Claim.objects.order_by("pk").values_list("pk", "claimant", "place")),
        "flags": list(ContradictionFlag.objects.order_by("pk").values_list("pk", "status", "note")),
    }


@pytest.mark.parametrize(("method", "path", "payload", "role", "expected"), CELLS)
def test_permission_matrix(request, world, method, path, payload, role, expected):
    client = APIClient()
    if role != "anonymous":
        client.force_authenticate(request.getfixturevalue(role))
    before = database_state()

    if payload:  # ids of the world's rows, named as in the path
        payload = {name: value.format(**world) if isinstance(value, str) else value for name, value in payload.items()}
    response = getattr(client, method)(path.format(**world), payload, format="json")

    assert response.status_code == expected, response.content
    if expected >= 400:
        body = response.json()
        assert body["detail"]
        assert body["code"]
        assert database_state() == before
    elif method != "get" and path not in READ_BY_POST:
        assert database_state() != before
