"""Schemathesis fuzzes every operation of the API's own OpenAPI schema.

Requests go in-process to the WSGI application, signed in with an editor's
token, against a few real claims, events, sources and evidence so that
requests naming an id sometimes reach a row. Each answer must be no 5xx, a
documented status code, the documented content type, and a body matching
the documented schema.
"""

import os

import hypothesis
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from rest_framework.throttling import SimpleRateThrottle
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.roles import Role
from accounts.tokens import issue
from claims.choices import BoundQualifier, CasualtyCategory, ClaimStatus, Stance
from claims.models import Actor, Event, Place
from claims.services import add_evidence
from claims.workflow import change_status
from tracker.wsgi import application

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
FORM_MEDIA_TYPES = {"multipart/form-data", "application/x-www-form-urlencoded"}
# bin/test's SQLite pass fuzzes less deeply (API_FUZZ_EXAMPLES): the
# PostgreSQL pass goes deep into the API's validation, which is the same on
# both; the SQLite pass looks for what SQLite answers differently.
EXAMPLES_PER_OPERATION = int(os.environ.get("API_FUZZ_EXAMPLES", 40))
# At the default, at least 1,000 requests in all (each of the 38 operations
# is sent its full share, 1,520); fewer would mean operations went unfuzzed.
MINIMUM_REQUESTS = EXAMPLES_PER_OPERATION * 25


def inline_references(node, components):
    """``node`` with every ``$ref`` to a component replaced by the component
    itself. Schemathesis's negative mutations sometimes lose the references
    it bundles and fail to generate; the API's schema has no recursion, so
    it can be handed over with nothing to resolve."""
    if isinstance(node, list):
        return [inline_references(item, components) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        name = node["$ref"].removeprefix("#/components/schemas/")
        siblings = {key: value for key, value in node.items() if key != "$ref"}
        return inline_references({**components[name], **siblings}, components)
    return {key: inline_references(value, components) for key, value in node.items()}


# The schema the API serves at /api/schema/, generated in-process.
OPENAPI_DOCUMENT = SchemaGenerator().get_schema(public=True)
COMPONENTS = OPENAPI_DOCUMENT["components"]["schemas"]
# No coverage phase: it builds its cases while pytest collects (tens of
# seconds for every run of the suite) and sends thousands of requests to the
# claim list alone. The fuzzing phase covers each operation evenly.
FUZZING_ONLY = schemathesis.Config.from_dict({"phases": {"coverage": {"enabled": False}}})
schema = schemathesis.openapi.from_dict(
    {**OPENAPI_DOCUMENT, "paths": inline_references(OPENAPI_DOCUMENT["paths"], COMPONENTS)}, config=FUZZING_ONLY
)
schema.app = application

# Requests sent per operation, for the check that the fuzzing was not trivial.
requests_sent: dict[str, int] = {}


@pytest.fixture
def _wsgi_keeps_the_test_transaction():
    """The WSGI handler closes the database connection around each request,
    which would end the test's transaction. Django's test client unhooks
    the same signal handler for the same reason."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def _no_throttling(monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "100000/min", "user": "100000/min"})


@pytest.fixture
def rows(make_user, claim_factory):
    """A few claims (with figures and sources), events and evidence; the ids
    of each kind, for path parameters."""
    editor = make_user(Role.EDITOR)
    other_editor = make_user(Role.EDITOR)
    figure = {"category": CasualtyCategory.KILLED, "qualifier": BoundQualifier.AT_LEAST, "low": 12}
    claims = [claim_factory(figures=[figure], sources=[f"https://example.org/report/{number}"]) for number in range(3)]
    change_status(claims[0], editor, ClaimStatus.IN_REVIEW, expected_version=1)
    change_status(claims[0], other_editor, ClaimStatus.SUPPORTED, rationale="Two sources agree.", expected_version=2)
    events = [Event.objects.create(name=f"Shelling {number}", slug=f"shelling-{number}") for number in range(2)]
    evidence = [
        add_evidence(claim, editor, stance=Stance.SUPPORTS, source_url=f"https://example.net/photo/{claim.pk}")
        for claim in claims
    ]
    sources = [link.source for claim in claims for link in claim.source_links.all()]
    return {
        "token": issue(editor, "fuzzing")[1],
        "claims": [claim.pk for claim in claims],
        "events": [event.pk for event in events],
        "sources": [source.pk for source in sources],
        "evidence": [item.pk for item in evidence],
        "actors": [Actor.objects.create(name=f"Party {number}").pk for number in range(2)],
        "places": [Place.objects.create(name=f"Village {number}").pk for number in range(2)],
        "outlets": sorted({source.outlet_id for source in sources}),
    }


def aim_at_real_rows(case, rows):
    """Point every other generated ``{id}`` at an existing row of the right
    kind: random integers would almost never find one."""
    generated = (case.path_parameters or {}).get("id")
    if not isinstance(generated, int) or generated % 2:
        return
    ids = rows.get(case.path.split("/")[2])  # /api/<kind>/{id}/...: the kind of row the id names
    if not ids:
        return
    case.path_parameters["id"] = ids[generated // 2 % len(ids)]


@pytest.mark.usefixtures("_wsgi_keeps_the_test_transaction", "_no_throttling")
@schema.parametrize()
@hypothesis.settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=list(hypothesis.HealthCheck),
    database=None,
)
def test_api_answers_as_documented(case, rows):
    if case.media_type in FORM_MEDIA_TYPES and not isinstance(case.body, dict):
        # A form is a map of fields: the test client cannot even encode a
        # list or a number as one, so no such request could reach the API.
        hypothesis.reject()
    aim_at_real_rows(case, rows)
    requests_sent[case.operation.label] = requests_sent.get(case.operation.label, 0) + 1
    case.call_and_validate(headers={"Authorization": f"Token {rows['token']}"}, checks=CHECKS)


def test_fuzzing_sent_enough_requests():
    operations = sum(len(methods) for methods in OPENAPI_DOCUMENT["paths"].values())
    if len(requests_sent) < operations:
        pytest.skip("runs after the fuzzing of every operation")
    assert sum(requests_sent.values()) >= MINIMUM_REQUESTS, requests_sent
