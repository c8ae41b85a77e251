"""ClaimReview JSON-LD: schema.org vocabulary, publication rules, safe embedding."""

import datetime
import json
from pathlib import Path

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from claims.choices import ActorKind, ClaimStatus
from claims.claimreview import claim_review
from claims.models import Actor, ClaimSource
from claims.services import SourceLinkData
from claims.workflow import change_status
from sources.models import Outlet

pytestmark = pytest.mark.django_db

SCHEMA = json.loads((Path(__file__).parent / "data" / "schemaorg_subset.json").read_text())["types"]
JSONLD_KEYWORDS = {"@context", "@type", "@graph"}


def properties_of(type_name):
    """The properties ``type_name`` defines or inherits, per the schema.org subset."""
    names = set()
    while type_name is not None:
        names |= set(SCHEMA[type_name]["properties"])
        type_name = SCHEMA[type_name]["parent"]
    return names


def vocabulary_errors(node, path="$"):
    """Every @type and property in ``node`` (recursively) that schema.org does not define for its type."""
    if isinstance(node, list):
        return [error for i, item in enumerate(node) for error in vocabulary_errors(item, f"{path}[{i}]")]
    if not isinstance(node, dict):
        return []
    type_name = node.get("@type")
    if type_name not in SCHEMA:
        return [f"{path}: unknown @type {type_name!r}"]
    allowed = properties_of(type_name)
    errors = [f"{path}: {type_name} has no property {key!r}" for key in node if key not in allowed | JSONLD_KEYWORDS]
    for key, value in node.items():
        errors += vocabulary_errors(value, f"{path}.{key}")
    return errors


def publish(claim, verdict, reviewer, editor):
    claim = change_status(claim, reviewer, ClaimStatus.IN_REVIEW, expected_version=claim.version)
    rationale = "Checked against two sources."
    return change_status(claim, editor, verdict, rationale=rationale, expected_version=claim.version)


@pytest.fixture
def published_claim(claim_factory, reviewer, editor):
    Outlet.objects.create(name="Reuters", domain="reuters.com")
    claimant = Actor.objects.create(name="Azerbaijan Ministry of Defence", kind=ActorKind.GOVERNMENT)
    claim = claim_factory(
        text="当地至少有27人死亡",
        language="zh",
        translation="At least 27 people were killed locally.",
        claimant=claimant,
        sources=[
            SourceLinkData(
                url="https://www.reuters.com/world/karabakh-toll",
                quoted_passage="at least 27",
                source_fields={"title": "Karabakh toll rises", "published_on": datetime.date(2023, 9, 21)},
            ),
            SourceLinkData(
                url="https://example.org/repeat", source_fields={"published_on": datetime.date(2023, 9, 20)}
            ),
        ],
    )
    return publish(claim, ClaimStatus.REFUTED, reviewer, editor)


def test_claim_review_uses_only_schema_org_vocabulary_and_has_what_google_requires(client, published_claim):
    response = client.get(reverse("claims:claim_review_json", args=[published_claim.pk]))
    assert response.status_code == 200
    review = response.json()

    assert vocabulary_errors(review) == []
    assert review["@context"] == "https://schema.org"
    assert review["@type"] == "ClaimReview"
    assert review["claimReviewed"] == "当地至少有27人死亡"
    assert review["inLanguage"] == "zh"
    assert review["url"] == f"http://testserver/claims/{published_claim.pk}/"
    assert review["datePublished"] == timezone.localdate().isoformat()
    assert review["author"]["@type"] == "Organization" and review["author"]["name"] == "Claim Tracker"
    assert review["reviewRating"] == {
        "@type": "Rating",
        "ratingValue": 1,
        "bestRating": 4,
        "worstRating": 1,
        "alternateName": "Refuted",
    }
    item = review["itemReviewed"]
    assert item["author"] == {"@type": "Organization", "name": "Azerbaijan Ministry of Defence"}
    # No stated_on: the earliest publication of a source stands in for it.
    assert item["datePublished"] == "2023-09-20"
    assert item["appearance"][0] == {
        "@type": "CreativeWork",
        "url": "https://www.reuters.com/world/karabakh-toll",
        "headline": "Karabakh toll rises",
        "datePublished": "2023-09-21",
        "publisher": {"@type": "Organization", "name": "Reuters"},
    }
    assert item["workTranslation"]["text"] == "At least 27 people were killed locally."


def test_the_vocabulary_check_catches_a_made_up_property(published_claim):
    review = claim_review(published_claim, RequestFactory().get("/"))
    review["reviewRating"]["verdict"] = "false"
    review["itemReviewed"]["appearance"][0]["@type"] = "NewsThing"
    assert vocabulary_errors(review) == [
        "$.reviewRating: Rating has no property 'verdict'",
        "$.itemReviewed.appearance[0]: unknown @type 'NewsThing'",
    ]


@pytest.mark.parametrize(
    ("verdict", "value", "label"),
    [
        (ClaimStatus.REFUTED, 1, "Refuted"),
        (ClaimStatus.UNPROVEN, 2, "Unproven"),
        (ClaimStatus.DISPUTED, 3, "Disputed"),
        (ClaimStatus.SUPPORTED, 4, "Supported"),
    ],
)
def test_rating_scale(claim_factory, reviewer, editor, verdict, value, label):
    claim = publish(claim_factory(), verdict, reviewer, editor)
    rating = claim_review(claim, RequestFactory().get("/"))["reviewRating"]
    assert (rating["ratingValue"], rating["alternateName"]) == (value, label)


def test_stated_on_and_a_person_claimant(claim_factory, reviewer, editor):
    aliyev = Actor.objects.create(name="Ilham Aliyev", kind=ActorKind.OFFICIAL)
    claim = claim_factory(claimant=aliyev, stated_on=datetime.date(2023, 9, 19))
    item = claim_review(publish(claim, ClaimStatus.DISPUTED, reviewer, editor), RequestFactory().get("/"))
    assert item["itemReviewed"]["author"] == {"@type": "Person", "name": "Ilham Aliyev"}
    assert item["itemReviewed"]["datePublished"] == "2023-09-19"


def test_withdrawn_source_links_are_not_appearances(published_claim):
    ClaimSource.objects.filter(source__url="https://example.org/repeat").update(withdrawn_at=timezone.now())
    review = claim_review(published_claim, RequestFactory().get("/"))
    assert [work["url"] for work in review["itemReviewed"]["appearance"]] == [
        "https://www.reuters.com/world/karabakh-toll"
    ]


def test_unpublished_claims_are_not_reviewed(client, claim_factory, published_claim, reviewer, editor):
    unverified = claim_factory()
    reopened = publish(claim_factory(), ClaimStatus.SUPPORTED, reviewer, editor)
    change_status(reopened, editor, ClaimStatus.IN_REVIEW, rationale="New footage.", expected_version=reopened.version)

    for claim in (unverified, reopened):
        assert client.get(reverse("claims:claim_review_json", args=[claim.pk])).status_code == 404

    feed = client.get(reverse("claims:claimreview_feed")).json()
    assert feed["@context"] == "https://schema.org"
    assert [node["url"] for node in feed["@graph"]] == [f"http://testserver/claims/{published_claim.pk}/"]
    assert vocabulary_errors(feed["@graph"]) == []


def test_feed_queries_do_not_grow_with_claims(client, claim_factory, reviewer, editor, django_assert_max_num_queries):
    for n in range(5):
        publish(claim_factory(sources=[f"https://example.org/{n}"]), ClaimStatus.SUPPORTED, reviewer, editor)
    with django_assert_max_num_queries(4):
        assert len(client.get(reverse("claims:claimreview_feed")).json()["@graph"]) == 5


def test_jsonld_script_cannot_be_closed_by_claim_text(claim_factory, reviewer, editor):
    hostile = 'They said </script><script>alert("x")</script> & more'
    claim = publish(claim_factory(text=hostile), ClaimStatus.REFUTED, reviewer, editor)
    request = RequestFactory().get("/")
    html = Template("{% load claimreview %}{% claim_review_jsonld claim %}").render(
        Context({"claim": claim, "request": request})
    )
    assert html.startswith('<script type="application/ld+json">') and html.endswith("</script>")
    body = html.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    assert "<" not in body and ">" not in body and "&" not in body
    assert json.loads(body)["claimReviewed"] == hostile


def test_jsonld_tag_is_empty_for_an_open_claim(claim_factory):
    html = Template("{% load claimreview %}{% claim_review_jsonld claim %}").render(
        Context({"claim": claim_factory(), "request": RequestFactory().get("/")})
    )
    assert html == ""
