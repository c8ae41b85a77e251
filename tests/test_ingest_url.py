"""Ingest from a URL: the article is fetched as a check of its source (in
the worker, never in the web request), archived and read like any check,
then suggests the same candidates as its pasted text; the claims kept link
to that source. A page that cannot be fetched says why, and the check
records it. Every fetch goes to the loopback server."""

import html
import ipaddress
from pathlib import Path

import pytest
from django.urls import reverse

from claims.models import Claim, ClaimSource
from sources.checking import run_checks
from sources.choices import CheckOutcome
from sources.models import Source, SourceCheck
from tests.test_ingest_page import as_posted

pytestmark = pytest.mark.django_db

ARTICLE = (Path(__file__).parent / "data" / "article_en_karabakh.txt").read_text()


def article_page(text: str) -> bytes:
    paragraphs = "".join(f"<p>{html.escape(line)}</p>" for line in text.splitlines() if line.strip())
    return f"<html><head><title>Karabakh</title></head><body><article>{paragraphs}</article></body></html>".encode()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def run_the_check(source_id: int) -> SourceCheck:
    """What the worker does with the request the page made."""
    source = Source.objects.get(pk=source_id)
    [check] = run_checks([(source.pk, source.check_requested_at)])
    return check


def test_an_article_given_by_its_url_is_fetched_in_the_background_and_its_claims_link_to_it(
    client, reviewer, loopback_server, allow_loopback
):
    loopback_server.route("/karabakh", body=article_page(ARTICLE))
    url = loopback_server.url("/karabakh")
    client.force_login(reviewer)
    response = client.post(
        reverse("intelligence:ingest"), {"text": "", "article_url": url, "event_name": "Offensive", "suggest": "1"}
    )
    assert response.status_code == 302
    source = Source.objects.get()
    assert response["Location"].startswith(reverse("intelligence:ingest_source", args=[source.pk]))
    assert loopback_server.total_hits == 0  # not fetched inside the request

    waiting = client.get(response["Location"])
    assert waiting.status_code == 200
    assert waiting.context["fetched"].state == "fetching"
    assert '<meta http-equiv="refresh"' in waiting.content.decode()

    check = run_the_check(source.pk)
    assert check.outcome == CheckOutcome.OK and check.warc.name  # archived as any check is

    ready = client.get(response["Location"])
    assert ready.status_code == 200
    assert ready.context["fetched"].state == "ready"
    assert '<meta http-equiv="refresh"' not in ready.content.decode()
    blocks = ready.context["blocks"]
    assert len(blocks) >= 5 and any(block["figures"].initial for block in blocks)
    assert ready.context["article"]["event_name"].value() == "Offensive"

    data = as_posted(ready)
    data.update(
        {"text": ready.context["article"]["text"].value(), "article_url": source.url, "event_name": "Offensive"}
    )
    for index in range(3, len(blocks)):
        data.pop(f"c{index}-keep", None)
    created = client.post(reverse("intelligence:ingest"), data)
    assert created.status_code == 302
    assert Claim.objects.count() == 3
    assert set(ClaimSource.objects.values_list("source", flat=True)) == {source.pk}
    assert Source.objects.count() == 1


@pytest.mark.parametrize(
    ("allowed", "status", "outcome", "words"),
    [
        (True, 404, CheckOutcome.NOT_FOUND, "could not be fetched"),
        (False, 200, CheckOutcome.UNSAFE, "could not be fetched"),
    ],
)
def test_a_url_that_cannot_be_fetched_says_why_is_recorded_and_creates_nothing(
    client, reviewer, loopback_server, settings, allowed, status, outcome, words
):
    if allowed:
        settings.FETCH_ALLOWED_NETWORKS = (ipaddress.ip_network("127.0.0.0/8"),)
    loopback_server.route("/missing", status=status, body=article_page(ARTICLE))
    client.force_login(reviewer)
    response = client.post(
        reverse("intelligence:ingest"), {"article_url": loopback_server.url("/missing"), "suggest": "1"}
    )
    source = Source.objects.get()
    check = run_the_check(source.pk)
    assert check.outcome == outcome and check.error  # the source's history records it

    page = client.get(response["Location"])
    assert page.context["fetched"].state == "failed"
    assert words in page.content.decode() and check.error in html.unescape(page.content.decode())
    assert page.context["blocks"] == []
    assert Claim.objects.count() == 0


def test_the_api_takes_a_url_answers_202_and_gives_the_candidates_once_read(
    client, reviewer, loopback_server, allow_loopback
):
    loopback_server.route("/karabakh", body=article_page(ARTICLE))
    loopback_server.route("/gone", status=410, body=b"gone")
    client.force_login(reviewer)
    response = client.post("/api/ingest/", {"url": loopback_server.url("/karabakh")}, content_type="application/json")
    assert response.status_code == 202
    body = response.json()
    assert body["state"] == "fetching" and body["candidates"] == []
    assert response["Location"].endswith(f"/api/ingest/{body['source']}/")
    assert loopback_server.total_hits == 0

    run_the_check(body["source"])
    read = client.get(f"/api/ingest/{body['source']}/").json()
    assert read["state"] == "ready" and read["check"] is not None
    assert len(read["candidates"]) >= 5
    assert any(candidate["casualty_figures"] for candidate in read["candidates"])

    gone = client.post("/api/ingest/", {"url": loopback_server.url("/gone")}, content_type="application/json").json()
    run_the_check(gone["source"])
    failed = client.get(f"/api/ingest/{gone['source']}/").json()
    assert failed["state"] == "failed" and "could not be fetched" in failed["error"]
    assert failed["candidates"] == []
    assert Claim.objects.count() == 0


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "text"),
        ({"text": ARTICLE, "url": "https://example.org/a"}, "url"),
        ({"url": "ftp://example.org/a"}, "url"),
        ({"url": "https://"}, "url"),
    ],
)
def test_the_api_refuses_what_cannot_be_ingested_with_a_field_message(client, reviewer, payload, field):
    client.force_login(reviewer)
    response = client.post("/api/ingest/", payload, content_type="application/json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert Source.objects.count() == 0
