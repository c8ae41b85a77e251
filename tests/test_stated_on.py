"""A claim's "stated on" date is shown wherever its date is (claim page,
public page, list, export), and the list's date range filters the date the
reader chooses: the one the claim refers to, or the one it was stated on."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from claims.choices import ClaimStatus
from claims.workflow import change_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def claims(claim_factory):
    """One claim about March, said in June; one about June, said in March."""
    return (
        claim_factory(text="About March", occurred_on=dt.date(2024, 3, 10), stated_on=dt.date(2024, 6, 20)),
        claim_factory(text="About June", occurred_on=dt.date(2024, 6, 10), stated_on=dt.date(2024, 3, 20)),
    )


def _list(client, **params):
    return client.get(reverse("claims:claim_list"), params).content.decode()


def test_the_range_filters_the_date_chosen(client, reviewer, claims):
    client.force_login(reviewer)
    june = {"date_from": "2024-06-01", "date_to": "2024-06-30"}
    page = _list(client, **june)
    assert "About June" in page and "About March" not in page, "the date the claim refers to, unless told"
    page = _list(client, date_field="occurred_on", **june)
    assert "About June" in page and "About March" not in page
    page = _list(client, date_field="stated_on", **june)
    assert "About March" in page and "About June" not in page
    assert "Which date" in page and "Stated on" in page


def test_the_list_shows_both_dates(client, reviewer, claims):
    client.force_login(reviewer)
    page = _list(client)
    assert "2024-06-20" in page and "2024-03-10" in page


def test_the_claim_page_and_the_public_page_show_it(client, reviewer, editor, claims):
    claim = claims[0]
    client.force_login(reviewer)
    page = client.get(claim.get_absolute_url()).content.decode()
    assert "Stated on" in page and "2024-06-20" in page
    claim = change_status(claim, reviewer, ClaimStatus.IN_REVIEW, expected_version=claim.version)
    change_status(claim, editor, ClaimStatus.SUPPORTED, rationale="Checked.", expected_version=claim.version)
    client.logout()
    page = client.get(claim.get_absolute_url()).content.decode()
    assert "Stated on" in page and "2024-06-20" in page


def test_the_export_carries_it(client, reviewer, claims):
    client.force_login(reviewer)
    response = client.get(reverse("claims:export_csv"))
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert {row["stated_on"] for row in rows} == {"2024-06-20", "2024-03-20"}
