"""A source's history, on its page and in the API: its state, the claims
citing it, every check of it with the archived copy, and what changed from
one check to the next, so that what a page said can still be read after it
changed or went away. The checks are made by the real check pipeline
against a loopback server. Who may see the page is in ``test_page_permissions``."""

import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient
from warcio.archiveiterator import ArchiveIterator

from claims.choices import ClaimStatus
from claims.services import SourceLinkData
from claims.workflow import change_status
from sources.choices import CheckOutcome
from sources.models import SourceCheck, StoredText
from sources.views import CHECKS_PER_PAGE
from tests.html_page import Page
from tests.test_source_checks import check_now

pytestmark = pytest.mark.django_db

FIRST = "<html><head><title>Market shelled</title></head><body><article><p>{}</p></article></body></html>"
FIRST_TEXT = "At least 27 people were killed and 200 injured when shells hit the market, local officials said."
SECOND_TEXT = FIRST_TEXT.replace("27", "32")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def source_with_history(claim_factory, loopback_server, allow_loopback):
    """A cited page checked three times: as first published, after it was
    rewritten, and after it was taken down."""
    claim = claim_factory(
        text="At least 27 killed at the market",
        sources=[SourceLinkData(url=loopback_server.url("/market"), quoted_passage="At least 27 people were killed")],
    )
    source = claim.source_links.get().source
    for answer in (
        {"body": FIRST.format(FIRST_TEXT).encode()},
        {"body": FIRST.format(SECOND_TEXT).encode()},
        {"status": 404, "body": b"Not here"},
    ):
        loopback_server.route("/market", **answer)
        check_now(source)
    return source


def _rows(page):
    return [element for element in page.root.descendants() if element.tag == "tr" and "data-check" in element.attrs]


def _archive_links(row):
    return [element.attrs["href"] for element in row.descendants() if element.tag == "a"]


def _warc_payload(response) -> bytes:
    data = b"".join(response.streaming_content)
    records = ArchiveIterator(io.BytesIO(data))
    return next(record for record in records if record.rec_type == "response").content_stream().read()


def test_every_check_is_listed_newest_first_with_what_it_found(client, reviewer, source_with_history):
    client.force_login(reviewer)
    page = Page(client.get(source_with_history.get_absolute_url()))

    rows = _rows(page)
    assert [row.attrs["data-outcome"] for row in rows] == [CheckOutcome.NOT_FOUND, CheckOutcome.OK, CheckOutcome.OK]
    gone, changed, first = (" ".join(row.text().split()) for row in rows)
    assert "Went away" in gone and "(404)" in gone
    assert "Content changed" in changed
    assert "Content changed" not in first and "Went away" not in first
    assert page.by_id("claims-heading").parent.text().count("At least 27 killed at the market") == 1


def test_the_archive_of_an_earlier_version_is_still_there_after_the_page_went_away(
    client, reviewer, source_with_history
):
    client.force_login(reviewer)
    rows = _rows(Page(client.get(source_with_history.get_absolute_url())))

    assert _archive_links(rows[0]) == []  # the 404 archived nothing
    first_version = client.get(_archive_links(rows[2])[0])
    assert first_version.status_code == 200
    assert FIRST_TEXT.encode() in _warc_payload(first_version)


def test_the_text_last_read_is_the_last_good_one(client, reviewer, source_with_history):
    client.force_login(reviewer)
    page = Page(client.get(source_with_history.get_absolute_url()))

    shown = " ".join(page.by_id("text-heading").parent.text().split())
    assert SECOND_TEXT in shown and FIRST_TEXT not in shown


def test_a_changed_check_shows_what_changed_since_the_check_before(client, reviewer, source_with_history):
    client.force_login(reviewer)
    changed = _rows(Page(client.get(source_with_history.get_absolute_url())))[1]
    (link,) = [element.attrs["href"] for element in changed.descendants() if "health-changed" in element.classes]

    changes = Page(client.get(link))

    marked = {element.tag: element.text() for element in changes.root.descendants() if element.tag in ("del", "ins")}
    assert marked == {"del": "27", "ins": "32"}


def test_the_claim_page_leads_to_what_changed_while_the_change_is_the_latest_news(
    client, reviewer, claim_factory, loopback_server, allow_loopback
):
    claim = claim_factory(text="At least 27 killed at the market", sources=[loopback_server.url("/market")])
    source = claim.source_links.get().source
    client.force_login(reviewer)
    for text in (FIRST_TEXT, SECOND_TEXT):
        loopback_server.route("/market", body=FIRST.format(text).encode())
        check = check_now(source)

    page = client.get(reverse("claims:claim_detail", args=[claim.pk])).content.decode()
    assert f'href="{reverse("sources:check_changes", args=[check.pk])}"' in page

    loopback_server.route("/market", body=FIRST.format(SECOND_TEXT).encode())
    check_now(source)  # the same text again: nothing new to compare
    page = client.get(reverse("claims:claim_detail", args=[claim.pk])).content.decode()
    assert "/changes/" not in page


def test_the_first_good_check_has_nothing_to_compare_with(client, reviewer, source_with_history):
    client.force_login(reviewer)
    first = source_with_history.checks.order_by("started_at").first()

    assert client.get(reverse("sources:check_changes", args=[first.pk])).status_code == 404


def test_the_api_shows_what_changed_from_the_history_of_checks(reviewer, source_with_history):
    client = APIClient()
    client.force_authenticate(reviewer)

    history = client.get(f"/api/sources/{source_with_history.pk}/checks/").json()["results"]
    assert [check["changes_url"] is not None for check in history] == [False, True, False]
    changes = client.get(history[1]["changes_url"]).json()

    assert (changes["check"], changes["previous_check"]) == (history[1]["id"], history[2]["id"])
    marked = [(piece["kind"], piece["text"]) for block in changes["blocks"] for piece in block["pieces"]]
    assert ("removed", "27") in marked and ("added", "32") in marked
    assert [kind for kind, _text in marked if kind != "same"] == ["removed", "added"]


def test_the_dashboard_leads_from_a_source_in_trouble_to_its_history(client, reviewer, editor, source_with_history):
    # The dashboard's queue of troubled sources is of claims with a published verdict (issue 14).
    claim = source_with_history.claim_links.get().claim
    change_status(claim, reviewer, ClaimStatus.IN_REVIEW, expected_version=claim.version)
    claim.refresh_from_db()
    change_status(claim, editor, ClaimStatus.SUPPORTED, rationale="Two sources agree.", expected_version=claim.version)
    client.force_login(reviewer)

    page = client.get(reverse("claims:dashboard")).content.decode()

    assert f'href="{source_with_history.get_absolute_url()}"' in page


def test_the_claim_page_leads_to_the_source_page(client, reviewer, source_with_history):
    client.force_login(reviewer)
    claim = source_with_history.claim_links.get().claim

    page = client.get(reverse("claims:claim_detail", args=[claim.pk])).content.decode()

    assert f'href="{source_with_history.get_absolute_url()}"' in page


def _add_checks(source, days):
    start = timezone.now() - timedelta(days=400)
    SourceCheck.objects.bulk_create(
        SourceCheck(
            source=source,
            requested_at=start + timedelta(days=day),
            started_at=start + timedelta(days=day),
            finished_at=start + timedelta(days=day, seconds=1),
            outcome=CheckOutcome.OK,
            http_status=200,
            stored_text=StoredText.objects.for_text(f"Day {day}"),
        )
        for day in days
    )


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_a_long_history_is_paged_in_a_fixed_number_of_queries(client, reviewer, claim_factory):
    source = claim_factory(sources=["https://news.example.org/daily"]).source_links.get().source
    client.force_login(reviewer)
    _add_checks(source, range(3))
    with_three = _queries(client, source.get_absolute_url())

    _add_checks(source, range(3, CHECKS_PER_PAGE + 7))
    assert _queries(client, source.get_absolute_url()) == with_three
    assert len(_rows(Page(client.get(source.get_absolute_url())))) == CHECKS_PER_PAGE
    assert len(_rows(Page(client.get(f"{source.get_absolute_url()}?page=2")))) == 7
