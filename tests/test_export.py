"""The streaming CSV export of the claim list."""

import csv
import io

import pytest
from django.urls import reverse

from claims.choices import BoundQualifier, CasualtyCategory, ClaimKind, ClaimStatus
from claims.csv_columns import defuse, header, undefuse
from claims.models import Actor, ClaimSource
from claims.workflow import change_status

pytestmark = pytest.mark.django_db

EXPORT_URL = reverse("claims:export_csv")


def download(client, user, **params):
    client.force_login(user)
    response = client.get(EXPORT_URL, params)
    assert response.status_code == 200
    assert response.streaming
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(body.removeprefix("\ufeff"))))
    return response, rows


def test_export_applies_the_list_filters(client, reviewer, claim_factory):
    casualty = claim_factory(kind=ClaimKind.CASUALTY_FIGURE)
    claim_factory(kind=ClaimKind.STATEMENT)
    in_review = claim_factory(kind=ClaimKind.CASUALTY_FIGURE)
    change_status(in_review, reviewer, ClaimStatus.IN_REVIEW, expected_version=in_review.version)

    _, rows = download(client, reviewer, kind=ClaimKind.CASUALTY_FIGURE, status=ClaimStatus.UNVERIFIED)

    assert [row["id"] for row in rows] == [str(casualty.pk)]


def test_export_columns_and_chinese_text_round_trip(client, reviewer, claim_factory):
    claimant = Actor.objects.create(name="Local Armenians")
    claim = claim_factory(
        text="当地至少有27人死亡，200人受伤",
        language="zh",
        translation="At least 27 killed, 200 injured.",
        claimant=claimant,
        occurred_on="2023-09-19",
        figures=[{"category": CasualtyCategory.KILLED, "qualifier": BoundQualifier.AT_LEAST, "low": 27}],
        sources=["https://www.guancha.cn/a.shtml", "https://example.org/withdrawn"],
    )
    ClaimSource.objects.filter(source__url="https://example.org/withdrawn").update(withdrawn_at=claim.created_at)

    response, rows = download(client, reviewer)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="claims-')
    assert list(rows[0]) == header(1, 1, 1)
    row = rows[0]
    assert row["text"] == "当地至少有27人死亡，200人受伤"
    assert row["translation"] == "At least 27 killed, 200 injured."
    assert row["claimant"] == "Local Armenians"
    assert row["occurred_on"] == "2023-09-19"
    assert [row[f"figure1_{key}"] for key in ("category", "population", "qualifier", "low", "high")] == [
        "killed",
        "all",
        "at_least",
        "27",
        "",
    ]
    # The withdrawn link is left out.
    assert row["source1_url"] == "https://www.guancha.cn/a.shtml"
    assert row["submitter"] == "reviewer"
    assert row["status"] == ClaimStatus.UNVERIFIED


def test_formula_cells_are_defused(client, reviewer, claim_factory):
    claim_factory(text='=HYPERLINK("https://evil.example","click")', translation="-2+3")

    _, rows = download(client, reviewer)

    assert rows[0]["text"] == '\'=HYPERLINK("https://evil.example","click")'
    assert rows[0]["translation"] == "'-2+3"


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "'=1+1", "'"])
def test_defuse_quotes_every_formula_start_and_undefuse_takes_the_quote_off(value):
    assert defuse(value) == "'" + value
    assert undefuse(defuse(value)) == value


def test_undefuse_leaves_an_apostrophe_typed_by_hand():
    assert undefuse("'tis the season") == "'tis the season"


def test_defuse_leaves_ordinary_text_alone():
    assert defuse("At least 27 killed = a lot") == "At least 27 killed = a lot"
    assert defuse(None) == ""


def test_export_queries_do_not_grow_with_claims(client, reviewer, claim_factory, django_assert_max_num_queries):
    for n in range(6):
        claim_factory(sources=[f"https://example.org/{n}"], claimant=Actor.objects.create(name=f"Actor {n}"))
    client.force_login(reviewer)
    with django_assert_max_num_queries(10):
        response = client.get(EXPORT_URL)
        lines = b"".join(response.streaming_content).decode("utf-8").splitlines()
    assert len(lines) == 7


def test_an_invalid_filter_is_refused_rather_than_ignored(client, reviewer, claim_factory):
    claim_factory()
    client.force_login(reviewer)
    response = client.get(EXPORT_URL, {"status": "not-a-status"})
    assert response.status_code == 400


def test_anonymous_users_are_sent_to_log_in(client):
    response = client.get(EXPORT_URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_users_without_a_role_are_refused(client, outsider):
    client.force_login(outsider)
    assert client.get(EXPORT_URL).status_code == 403
