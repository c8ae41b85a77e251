"""Readers who are not members (anonymous, or an account without a role)
get from the API what a claim's public page and its ClaimReview show, and
nothing more: not who submitted the claim, not the state of its source
checks, not the reviewers' working detail.

The check is field by field: every value the API gives such a reader must
be on the public page (its HTML or the ClaimReview embedded in it)."""

import base64
import datetime
import html
import json
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.roles import Role
from claims.choices import ActorKind, ClaimKind, ClaimStatus, Language
from claims.models import Actor, Verdict
from claims.services import SourceLinkData
from claims.workflow import change_status
from sources.models import Outlet

pytestmark = pytest.mark.django_db

# Fields whose value is a code: the page shows its label instead.
LABELLED = {"status": ClaimStatus, "kind": ClaimKind, "verdict.rating": ClaimStatus}
# The page says the language in its markup (lang="zh").
IN_MARKUP = {"language": 'lang="{}"'}


@pytest.fixture
def published(make_user, claim_factory):
    submitter = make_user(Role.REVIEWER, username="mina.submitter")
    chief = make_user(Role.EDITOR, username="chief.editor")
    Outlet.objects.create(name="Reuters", domain="reuters.com")
    claim = claim_factory(
        submitter=submitter,
        text="当地至少有27人死亡",
        language=Language.ZH,
        translation="At least 27 people were killed locally.",
        kind=ClaimKind.CASUALTY_FIGURE,
        claimant=Actor.objects.create(name="Local Armenians", kind=ActorKind.LOCAL_POPULATION),
        occurred_on=datetime.date(2023, 9, 19),
        stated_on=datetime.date(2023, 9, 20),
        event_name="Offensive of September 2023",
        place_name="Stepanakert",
        figures=[{"category": "killed", "population": "all", "qualifier": "at_least", "low": 27}],
        sources=[
            SourceLinkData(
                url="https://www.reuters.com/world/karabakh-toll",
                quoted_passage="at least 27 people were killed",
                source_fields={"title": "Karabakh toll rises", "published_on": datetime.date(2023, 9, 21)},
            )
        ],
    )
    claim = change_status(claim, chief, ClaimStatus.IN_REVIEW, expected_version=claim.version)
    deputy = make_user(Role.EDITOR, username="deputy.editor")
    return change_status(
        claim, deputy, ClaimStatus.DISPUTED, rationale="Two counts disagree.", expected_version=claim.version
    )


def leaves(node, path=""):
    """Every (dotted path, value) at the ends of a JSON answer; list items share their list's path."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from leaves(value, f"{path}.{key}" if path else key)
    elif isinstance(node, list):
        for item in node:
            yield from leaves(item, path)
    else:
        yield path, node


def public_page(client, claim):
    response = client.get(claim.get_absolute_url())
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def assert_shown_on_the_page(answer, page):
    for path, value in leaves(answer):
        if value is None:
            continue
        if path in LABELLED:
            shown = str(LABELLED[path](value).label)
        elif path in IN_MARKUP:
            shown = IN_MARKUP[path].format(value)
        else:
            shown = json.dumps(value, ensure_ascii=False).strip('"')
        assert shown in page, f"{path} = {value!r} is in the API answer but not on the public page"


@pytest.mark.parametrize("reader", ["anonymous", "outsider"])
def test_a_reader_gets_no_more_than_the_public_page_shows(request, published, reader):
    client = APIClient()
    if reader != "anonymous":
        client.force_authenticate(request.getfixturevalue(reader))
    page = public_page(APIClient(), published)

    detail = client.get(f"/api/claims/{published.pk}/")
    listed = client.get("/api/claims/")

    assert detail.status_code == 200 and listed.status_code == 200
    assert listed.json()["results"] == [detail.json()]
    assert_shown_on_the_page(detail.json(), page)
    body = detail.content.decode()
    for internal in ("mina.submitter", "chief.editor", "Stepanakert", "Offensive of September", "health"):
        assert internal not in body


def test_a_reader_gets_what_the_public_page_shows(published):
    answer = APIClient().get(f"/api/claims/{published.pk}/").json()
    verdict = Verdict.objects.get(claim=published, superseded_at__isnull=True)

    assert answer == {
        "id": published.pk,
        "text": "当地至少有27人死亡",
        "language": "zh",
        "translation": "At least 27 people were killed locally.",
        "kind": "casualty_figure",
        "status": "disputed",
        "claimant": {"name": "Local Armenians"},
        "occurred_on": "2023-09-19",
        "stated_on": "2023-09-20",
        "verdict": {
            "rating": "disputed",
            "rationale": "Two counts disagree.",
            "published_on": timezone.localdate(verdict.published_at).isoformat(),
        },
        "sources": [
            {
                "url": "https://www.reuters.com/world/karabakh-toll",
                "title": "Karabakh toll rises",
                "outlet": "Reuters",
                "published_on": "2023-09-21",
            }
        ],
    }


def test_members_still_get_the_working_detail(published, reviewer):
    client = APIClient()
    client.force_authenticate(reviewer)
    answer = client.get(f"/api/claims/{published.pk}/").json()
    assert answer["submitter"] == "mina.submitter"
    assert answer["sources"][0]["source"]["health"]


@pytest.mark.parametrize("filter_name", ["source_health", "event"])
def test_a_reader_cannot_filter_by_what_the_public_page_does_not_show(published, filter_name):
    # The filter is not offered: it is ignored, so the list does not narrow on hidden state.
    everything = APIClient().get("/api/claims/").json()["results"]
    value = {"source_health": "gone", "event": published.event_id}[filter_name]
    assert APIClient().get("/api/claims/", {filter_name: value}).json()["results"] == everything


def test_the_public_list_costs_the_same_queries_however_many_claims(published, claim_factory, editor, other_editor):
    def queries_for_the_list():
        with CaptureQueriesContext(connection) as queries:
            assert APIClient().get("/api/claims/").status_code == 200
        return len(queries)

    before = queries_for_the_list()
    for number in range(3):
        claim = claim_factory(text=f"Claim {number}", sources=[f"https://example.org/{number}"])
        claim = change_status(claim, editor, ClaimStatus.IN_REVIEW, expected_version=claim.version)
        change_status(claim, other_editor, ClaimStatus.REFUTED, rationale="No.", expected_version=claim.version)

    assert queries_for_the_list() == before


def test_a_reader_s_cursor_carries_no_record_time(published, claim_factory, editor, other_editor):
    claim = claim_factory(text="Another claim")
    claim = change_status(claim, editor, ClaimStatus.IN_REVIEW, expected_version=claim.version)
    change_status(claim, other_editor, ClaimStatus.REFUTED, rationale="No.", expected_version=claim.version)

    first = APIClient().get("/api/claims/", {"page_size": 1}).json()
    cursor = parse_qs(urlsplit(first["next"]).query)["cursor"][0]
    position = parse_qs(base64.b64decode(cursor).decode())["p"][0]

    assert position == str(first["results"][0]["id"]), (
        "a reader pages by the id it sees, not by when the claim was recorded"
    )
    second = APIClient().get(first["next"]).json()
    assert [first["results"][0]["id"], second["results"][0]["id"]] == [claim.pk, published.pk]
