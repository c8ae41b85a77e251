"""A published verdict superseded by a later one, both kept; the public page
shows the history, ClaimReview the current verdict, and the verdict feeds
(Atom and JSON Feed 1.1) each publication, supersession and withdrawal in
order."""

import json

import feedparser
import pytest
from django.urls import reverse

from claims.choices import ClaimStatus, VerdictEnd
from claims.exceptions import TransitionRefused
from claims.models import Event
from claims.workflow import change_status

pytestmark = pytest.mark.django_db

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"


@pytest.fixture
def event():
    return Event.objects.create_named("Shelling of Martuni")


@pytest.fixture
def published(claim_factory, other_reviewer, other_editor, event):
    claim = claim_factory(submitter=other_reviewer, text="Twelve houses were hit in Martuni", event=event)
    claim = change_status(claim, other_reviewer, ClaimStatus.IN_REVIEW, expected_version=claim.version)
    return change_status(
        claim, other_editor, ClaimStatus.DISPUTED, rationale="Two accounts disagree.", expected_version=claim.version
    )


def supersede(claim, editor, rating=ClaimStatus.REFUTED, rationale="Satellite images show no damage."):
    return change_status(claim, editor, rating, rationale=rationale, expected_version=claim.version)


def test_an_editor_supersedes_a_published_verdict_and_both_are_kept(published, editor):
    claim = supersede(published, editor)

    assert claim.status == ClaimStatus.REFUTED
    newer, older = claim.verdicts.order_by("-published_at", "-id")
    assert (newer.rating, newer.superseded_at, newer.supersedes_id) == (ClaimStatus.REFUTED, None, older.pk)
    assert (older.rating, older.ended, older.rationale) == (
        ClaimStatus.DISPUTED,
        VerdictEnd.SUPERSEDED,
        "Two accounts disagree.",
    )
    assert older.superseded_at is not None
    assert claim.current_verdict == newer


def test_superseding_follows_the_two_person_rule(claim_factory, editor, other_editor, reviewer):
    claim = claim_factory(submitter=editor, text="Claim the editor filed")
    claim = change_status(claim, reviewer, ClaimStatus.IN_REVIEW, expected_version=claim.version)
    claim = change_status(claim, other_editor, ClaimStatus.SUPPORTED, rationale="Yes.", expected_version=claim.version)

    with pytest.raises(TransitionRefused) as refused:
        supersede(claim, editor)
    assert refused.value.code == "two_person"
    with pytest.raises(TransitionRefused) as refused:
        supersede(claim, reviewer)
    assert refused.value.code == "role"
    with pytest.raises(TransitionRefused) as refused:
        supersede(claim, other_editor, rationale="")
    assert refused.value.code == "rationale_required"


def test_reopening_withdraws_the_verdict_and_the_next_one_supersedes_it(published, editor, other_editor):
    claim = change_status(
        published, editor, ClaimStatus.IN_REVIEW, rationale="New footage.", expected_version=published.version
    )
    withdrawn = claim.verdicts.get()
    assert withdrawn.ended == VerdictEnd.WITHDRAWN

    claim = supersede(claim, other_editor, ClaimStatus.SUPPORTED, "The footage is authentic.")
    assert claim.current_verdict.supersedes == withdrawn


def test_public_page_shows_the_history_and_claimreview_the_current_verdict(client, published, editor):
    claim = supersede(published, editor)

    page = client.get(claim.get_absolute_url()).content.decode()
    assert "Satellite images show no damage." in page
    assert "Earlier verdicts" in page and "Two accounts disagree." in page
    review = client.get(reverse("claims:claim_review_json", args=[claim.pk])).json()
    assert review["reviewRating"]["alternateName"] == "Refuted"
    graph = client.get(reverse("claims:claimreview_feed")).json()["@graph"]
    assert [node["reviewRating"]["alternateName"] for node in graph] == ["Refuted"]


@pytest.fixture
def history(published, editor, other_editor, claim_factory, other_reviewer):
    """Published (disputed), superseded (refuted), then reopened, which withdraws it;
    and a claim of no event published after that."""
    claim = supersede(published, editor)
    claim = change_status(
        claim, other_editor, ClaimStatus.IN_REVIEW, rationale="Internal: a duplicate?", expected_version=claim.version
    )
    elsewhere = claim_factory(submitter=other_reviewer, text="A claim about another town")
    elsewhere = change_status(elsewhere, other_reviewer, ClaimStatus.IN_REVIEW, expected_version=elsewhere.version)
    change_status(elsewhere, editor, ClaimStatus.SUPPORTED, rationale="Confirmed.", expected_version=elsewhere.version)
    return claim


def test_atom_feed_lists_publication_supersession_and_withdrawal_in_order(client, history, event):
    url = reverse("claims:verdict_feed_atom") + f"?event={event.slug}"
    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert [(entry.tags[0].term, entry.tags[1].term) for entry in feed.entries] == [
        ("withdrawn", "refuted"),
        ("superseded", "refuted"),
        ("published", "disputed"),
    ]
    claim_url = f"http://testserver{history.get_absolute_url()}"
    assert {entry.link for entry in feed.entries} == {claim_url}
    assert len({entry.id for entry in feed.entries}) == 3
    self_links = [link.href for link in feed.feed.links if link.rel == "self"]
    assert self_links == [f"http://testserver{url}"]
    assert "Supersedes the verdict “Disputed”" in feed.entries[1].summary
    # Reopened, the claim may be edited: its text is no longer shown, nor why it was reopened.
    body = response.content.decode()
    assert "Twelve houses" not in body and "Internal" not in body


def test_feeds_are_filtered_by_event_and_refuse_an_unknown_one(client, history, event):
    everything = feedparser.parse(client.get(reverse("claims:verdict_feed_atom")).content)
    assert len(everything.entries) == 4
    assert everything.entries[0].title.endswith("A claim about another town")
    assert client.get(reverse("claims:verdict_feed_atom") + "?event=nowhere").status_code == 404
    assert client.get(reverse("claims:verdict_feed_json") + "?event=nowhere").status_code == 404


def test_json_feed_has_every_required_field(client, history, event):
    response = client.get(reverse("claims:verdict_feed_json") + f"?event={event.slug}")

    assert response["Content-Type"] == "application/feed+json"
    feed = json.loads(response.content)
    assert feed["version"] == JSON_FEED_VERSION
    assert isinstance(feed["title"], str) and feed["title"]
    assert feed["feed_url"].endswith(f"?event={event.slug}")
    ids = [item["id"] for item in feed["items"]]
    assert len(set(ids)) == 3 and all(isinstance(item_id, str) for item_id in ids)
    for item in feed["items"]:
        assert item.get("content_text") or item.get("content_html")
        assert item["url"] == f"http://testserver{history.get_absolute_url()}"
    assert [item["tags"] for item in feed["items"]] == [
        ["withdrawn", "refuted"],
        ["superseded", "refuted"],
        ["published", "disputed"],
    ]
