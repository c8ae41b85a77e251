"""Who may call which endpoint: every endpoint × method × role, written out.

The subject is an *open* claim (in review) submitted by a reviewer who is
none of the callers, with a linked source and evidence by that submitter;
and a *published* claim. Anonymous callers and accounts without a role do
not see open claims at all (404); where a write is refused, nothing in the
database changes.
"""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.roles import Role
from claims.choices import ClaimStatus, Stance
from claims.models import Claim, ClaimLogEntry, ClaimSource, Event, Evidence, Verdict
from claims.services import add_evidence
from claims.workflow import change_status
from sources.archive import archive
from sources.choices import CheckOutcome
from sources.fetch import Exchange, FetchResult
from sources.models import Source, SourceCheck

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
    ("post", "/api/events/", {"name": "Ceasefire talks", "slug": "ceasefire-talks"}, (401, 403, 201, 201, 201)),
    ("patch", "/api/events/{event}/", {"name": "Renamed"}, (401, 403, 200, 200, 200)),
    # The slug is the event page's address: changing it breaks the links to it.
    ("patch", "/api/events/{event}/", {"slug": "shusha-1992"}, (401, 403, 403, 200, 200)),
    ("get", "/api/me/", None, (401, 200, 200, 200, 200)),
]

CELLS = [
    pytest.param(method, path, payload, role, expected, id=f"{method.upper()} {path} as {role}")
    for method, path, payload, statuses in MATRIX
    for role, expected in zip(ROLES, statuses, strict=True)
]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Each cell creates several users; the real hasher would make the matrix slow.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(make_user, claim_factory, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    submitter = make_user(Role.REVIEWER, username="submitter")
    chief = make_user(Role.EDITOR, username="chief")
    deputy = make_user(Role.EDITOR, username="deputy")
    open_claim = claim_factory(submitter=submitter, sources=["https://example.org/origin"])
    change_status(open_claim, chief, ClaimStatus.IN_REVIEW, expected_version=1)
    published = claim_factory(submitter=submitter)
    change_status(published, chief, ClaimStatus.IN_REVIEW, expected_version=1)
    change_status(published, deputy, ClaimStatus.REFUTED, rationale="Contradicted.", expected_version=2)
    evidence = add_evidence(open_claim, submitter, stance=Stance.SUPPORTS, source_url="https://example.org/ev")
    event = Event.objects.create(name="Battle of Shusha", slug="battle-of-shusha")
    source = open_claim.source_links.get().source
    now = timezone.now()
    # The check that answered the source's request, so that a new one may be asked for.
    check = SourceCheck(
        source=source, requested_at=source.check_requested_at, started_at=now, finished_at=now, outcome=CheckOutcome.OK
    )
    page = b"<p>Shusha</p>"
    check.warc, check.warc_sha256 = archive(
        FetchResult(
            outcome=CheckOutcome.OK, http_status=200, body=page, exchanges=[Exchange(source.url, 200, wire_body=page)]
        ),
    )
    check.save()
    return {
        "open": open_claim.pk,
        "published": published.pk,
        "evidence": evidence.pk,
        "source": source.pk,
        "check": check.pk,
        "event": event.pk,
        "link": open_claim.source_links.get().pk,
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
    }


@pytest.mark.parametrize(("method", "path", "payload", "role", "expected"), CELLS)
def test_permission_matrix(request, world, method, path, payload, role, expected):
    client = APIClient()
    if role != "anonymous":
        client.force_authenticate(request.getfixturevalue(role))
    before = database_state()

    response = getattr(client, method)(path.format(**world), payload, format="json")

    assert response.status_code == expected, response.content
    if expected >= 400:
        body = response.json()
        assert body["detail"]
        assert body["code"]
        assert database_state() == before
    elif method != "get":
        assert database_state() != before
