"""An event's competing figures reconciled (``intelligence/reconciliation.py``):
per category and population, by party, with what the bounds imply together,
on the event page and in the API."""

from datetime import date

import pytest

from claims.choices import BoundQualifier as Q
from claims.choices import CasualtyCategory, ClaimStatus, Population
from claims.models import Claim, Event
from claims.workflow import change_status
from intelligence.reconciliation import reconcile

pytestmark = pytest.mark.django_db


def figure(qualifier, low=None, high=None, *, category=CasualtyCategory.KILLED, population=Population.ALL, as_of=None):
    return {
        "category": category,
        "population": population,
        "qualifier": qualifier,
        "low": low,
        "high": high,
        "as_of": as_of,
    }


@pytest.fixture
def event():
    return Event.objects.create_named("Shelling of Stepanakert")


@pytest.fixture
def report(claim_factory, event):
    """File a claim of ``event`` by ``party`` with the given figures."""

    def make(party, *figures, stated_on=None, sources=()):
        return claim_factory(event=event, claimant_name=party, figures=figures, stated_on=stated_on, sources=sources)

    return make


def reconciled(event):
    claims = Claim.objects.filter(event=event).prefetch_related("casualty_figures", "source_links__source__outlet")
    return {(group.category, group.population): group for group in reconcile(claims)}


def test_overlapping_ranges_are_consistent(report, event):
    report("Ministry of Defence", figure(Q.EXACT, 6, 8))
    report("Local officials", figure(Q.EXACT, 7, 10))
    group = reconciled(event)[("killed", "all")]
    assert (group.lowest, group.highest) == (6, 10)
    assert group.highest_lower_bound.lower_bound == 7
    assert group.lowest_upper_bound.upper_bound == 8
    assert group.consistent


def test_disjoint_ranges_are_not_consistent(report, event):
    report("Ministry of Defence", figure(Q.EXACT, 2, 3))
    report("Local officials", figure(Q.EXACT, 7, 10))
    group = reconciled(event)[("killed", "all")]
    assert (group.highest_lower_bound.lower_bound, group.lowest_upper_bound.upper_bound) == (7, 3)
    assert not group.consistent


def test_at_least_against_exact(report, event):
    report("Ministry of Defence", figure(Q.AT_LEAST, 6))
    report("Local officials", figure(Q.EXACT, 5))
    assert not reconciled(event)[("killed", "all")].consistent

    other = Event.objects.create_named("Another day")
    Claim.objects.filter(event=event).update(event=other)
    report("Ministry of Defence", figure(Q.AT_LEAST, 6))
    report("Local officials", figure(Q.EXACT, 9))
    group = reconciled(event)[("killed", "all")]
    assert group.consistent
    assert (group.highest_lower_bound.lower_bound, group.lowest_upper_bound.upper_bound) == (9, 9)


def test_about_gives_no_hard_bound(report, event):
    report("Ministry of Defence", figure(Q.ABOUT, 30))
    report("Local officials", figure(Q.UP_TO, high=12))
    group = reconciled(event)[("killed", "all")]
    assert group.highest_lower_bound is None
    assert group.consistent
    assert (group.lowest, group.highest) == (12, 30)


def test_different_populations_and_categories_are_never_compared(report, event):
    report("Ministry of Defence", figure(Q.EXACT, 6), figure(Q.EXACT, 4, population=Population.MILITARY))
    report("Local officials", figure(Q.EXACT, 20, category=CasualtyCategory.INJURED))
    groups = reconciled(event)
    assert set(groups) == {("killed", "all"), ("killed", "military"), ("injured", "all")}
    assert all(group.consistent for group in groups.values())
    assert [len(group.reports) for group in groups.values()] == [1, 1, 1]


def test_a_toll_that_grew_is_consistent_and_one_that_went_down_is_pointed_out(report, event):
    report("Local officials", figure(Q.EXACT, 6), stated_on=date(2020, 9, 27))
    report("Local officials", figure(Q.EXACT, 27), stated_on=date(2020, 9, 29))
    report("Ministry of Defence", figure(Q.AT_LEAST, 10, as_of=date(2020, 9, 28)))
    report("Ministry of Defence", figure(Q.EXACT, 8), stated_on=date(2020, 9, 30))
    group = reconciled(event)[("killed", "all")]
    # The upper bound of 6 on the 27th no longer holds once 27 were reported on the 29th.
    assert group.highest_lower_bound.lower_bound == 27
    assert group.lowest_upper_bound.upper_bound == 8
    assert not group.consistent
    assert [(d.party, d.earlier.value, d.later.value) for d in group.decreases] == [("Ministry of Defence", 10, 8)]
    assert (group.first_reported, group.last_reported) == (date(2020, 9, 27), date(2020, 9, 30))
    assert [report.as_of.day for report in group.reports] == [27, 28, 29, 30]


def test_reports_group_by_the_party_not_its_claims(report, event):
    first = report("Local officials", figure(Q.EXACT, 6), stated_on=date(2020, 9, 27))
    report("LOCAL OFFICIALS", figure(Q.EXACT, 9), stated_on=date(2020, 9, 28))
    group = reconciled(event)[("killed", "all")]
    assert [(party, len(reports)) for party, reports in group.by_party()] == [("Local officials", 2)]
    assert group.reports[0].party_id == first.claimant_id


def test_withdrawn_claims_take_no_part(report, event, editor):
    report("Ministry of Defence", figure(Q.EXACT, 2))
    withdrawn = report("Local officials", figure(Q.EXACT, 20))
    change_status(withdrawn, editor, ClaimStatus.WITHDRAWN, rationale="Duplicate", expected_version=1)
    group = reconciled(event)[("killed", "all")]
    assert [r.low for r in group.reports] == [2]


def test_the_event_page_shows_the_table_the_bounds_and_a_dated_chart(client, reviewer, report, event):
    report(
        "Local officials",
        figure(Q.EXACT, 6),
        stated_on=date(2020, 9, 27),
        sources=["https://news.example.org/first"],
    )
    report("Local officials", figure(Q.EXACT, 4), stated_on=date(2020, 9, 29))
    report("Ministry of Defence", figure(Q.AT_LEAST, 10), stated_on=date(2020, 9, 28))
    client.force_login(reviewer)
    page = client.get(event.get_absolute_url()).content.decode()
    assert "https://news.example.org/first" in page
    assert "2020-09-27" in page and "2020-09-29" in page  # the chart's axis is dated with the year
    assert page.count("<polyline") == 2  # one line per party
    assert "The toll went down" in page
    assert "not consistent" in page
    assert "style=" not in page


def test_the_api_gives_the_reconciliation_of_an_event(client, reviewer, report, event):
    report("Local officials", figure(Q.EXACT, 6), stated_on=date(2020, 9, 27))
    party = report("Ministry of Defence", figure(Q.UP_TO, high=3), stated_on=date(2020, 9, 27)).claimant
    client.force_login(reviewer)
    response = client.get(f"/api/events/{event.pk}/reconciliation/")
    assert response.status_code == 200
    [group] = response.json()
    assert group["category"] == "killed" and group["population"] == "all"
    assert group["highest_lower_bound"] == 6 and group["lowest_upper_bound"] == 3
    assert group["consistent"] is False
    assert {r["party"] for r in group["reports"]} == {party.pk, Claim.objects.exclude(claimant=party).get().claimant_id}
    assert group["reports"][0]["as_of"] == "2020-09-27"
    assert client.get("/api/events/999999/reconciliation/").status_code == 404
