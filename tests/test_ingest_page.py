"""The ingest page: an article pasted, its suggested claims ticked and
corrected, and created in one step, linked to the article as their source."""

from datetime import date
from pathlib import Path

import pytest
from django.urls import reverse

from claims.models import CasualtyFigure, Claim, ClaimSource, Event

pytestmark = pytest.mark.django_db

ARTICLE = (Path(__file__).parent / "data" / "article_en_karabakh.txt").read_text()
URL = "https://wire.example.org/karabakh"


@pytest.fixture
def page(client, reviewer):
    client.force_login(reviewer)
    return reverse("intelligence:ingest")


def suggested(client, page):
    response = client.post(
        page, {"text": ARTICLE, "article_url": URL, "event_name": "Karabakh offensive", "suggest": "1"}
    )
    assert response.status_code == 200
    return response


def as_posted(response) -> dict:
    """The form data the page renders, as a browser would send it back with "create"."""
    data = {}
    for name, value in response.context["article"].initial.items():
        data[name] = value
    data.update({"text": ARTICLE, "article_url": URL, "event_name": "Karabakh offensive", "create": "1"})
    data["candidates"] = str(len(response.context["blocks"]))
    for block in response.context["blocks"]:
        form = block["form"]
        for name, field in form.fields.items():
            value = form.initial.get(name, field.initial)
            if name == "keep":
                if value:
                    data[form.add_prefix(name)] = "on"
            elif value is not None:
                data[form.add_prefix(name)] = value
        for formset in (block["figures"], block["presences"]):
            management = formset.management_form
            for name in management.fields:
                data[management.add_prefix(name)] = management.initial[name]
            for row in formset.forms:
                for name, field in row.fields.items():
                    value = row.initial.get(name, field.initial)
                    if value is not None:
                        data[row.add_prefix(name)] = value
    return data


def test_the_article_gives_candidates_with_their_figures(client, page):
    response = suggested(client, page)
    blocks = response.context["blocks"]
    assert len(blocks) >= 5
    assert any(block["figures"].initial for block in blocks)
    assert Claim.objects.count() == 0  # suggesting creates nothing


def test_the_ticked_claims_are_created_corrected_and_linked_to_the_article(client, page):
    data = as_posted(suggested(client, page))
    count = int(data["candidates"])
    for index in range(2, count):  # keep the first two only
        data.pop(f"c{index}-keep", None)
    data["c0-claimant"] = "Corrected claimant"
    response = client.post(page, data)
    assert response.status_code == 302, response.context["article"].errors if response.context else ""
    event = Event.objects.get(name="Karabakh offensive")
    assert response["Location"] == event.get_absolute_url()
    assert Claim.objects.count() == 2
    first = Claim.objects.order_by("pk").first()
    assert first.claimant.name == "Corrected claimant"
    assert set(ClaimSource.objects.values_list("source__url", flat=True)) == {URL}
    assert ClaimSource.objects.get(claim=first).quoted_passage == first.text


def test_the_claims_kept_are_stated_on_the_day_the_article_was_published(client, page):
    data = as_posted(suggested(client, page))
    data["published_on"] = "2023-09-20"
    assert client.post(page, data).status_code == 302
    assert set(Claim.objects.values_list("stated_on", flat=True)) == {date(2023, 9, 20)}


def test_a_correction_that_does_not_validate_keeps_what_was_typed_and_creates_nothing(client, page):
    response = suggested(client, page)
    data = as_posted(response)
    index = next(i for i, block in enumerate(response.context["blocks"]) if block["figures"].initial)
    data[f"c{index}-figures-0-qualifier"] = "exact"
    data[f"c{index}-figures-0-low"] = "9"
    data[f"c{index}-figures-0-high"] = "3"
    response = client.post(page, data)
    assert response.status_code == 400
    assert "is below the low bound" in response.content.decode()
    assert (Claim.objects.count(), CasualtyFigure.objects.count()) == (0, 0)


def test_nothing_ticked_or_nothing_pasted_is_said_and_creates_nothing(client, page):
    data = as_posted(suggested(client, page))
    for key in [key for key in data if key.endswith("-keep")]:
        del data[key]
    response = client.post(page, data)
    assert response.status_code == 400
    assert "Tick at least one" in response.content.decode()
    # No text is an article to fetch from its URL (tests/test_ingest_url.py); with no URL either, nothing to read.
    response = client.post(page, {"text": "   ", "article_url": "", "suggest": "1"})
    assert response.status_code == 400
    response = client.post(page, {"text": "\x01\x02\x03" * 100, "article_url": URL, "suggest": "1"})
    assert response.status_code == 400
    assert "does not look like text" in response.content.decode()
    assert Claim.objects.count() == 0


def test_the_api_answers_with_the_candidates_in_the_claims_api_names(client, reviewer):
    client.force_login(reviewer)
    response = client.post("/api/ingest/", {"text": ARTICLE}, content_type="application/json")
    assert response.status_code == 200
    candidates = response.json()
    assert len(candidates) >= 5
    assert any(candidate["casualty_figures"] for candidate in candidates)
    assert {"text", "language", "kind", "claimant_name", "casualty_figures", "troop_presences"} <= set(candidates[0])
    response = client.post("/api/ingest/", {"text": " "}, content_type="application/json")
    assert response.status_code == 400 and "text" in response.json()["errors"]
    assert Claim.objects.count() == 0
