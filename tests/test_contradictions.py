"""Claims of one event that cannot both be true are flagged on both claims
(``intelligence/contradictions.py``, kept by ``intelligence/flags.py`` when
a claim is written), explained by a reviewer with a note, and logged."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims.choices import BoundQualifier as Q
from claims.choices import (
    CasualtyCategory,
    ClaimStatus,
    LogAction,
    PlacePrecision,
    Population,
    Stance,
    TimePrecision,
)
from claims.lookups import get_or_create_place
from claims.models import ClaimGrade, Event
from claims.services import SourceLinkData, add_evidence, edit_claim, link_source, submit_claim
from claims.workflow import change_status
from intelligence.flags import recompute_flags
from intelligence.models import ContradictionFlag, FlagStatus
from intelligence.services import explain_flag

pytestmark = pytest.mark.django_db

DAY = date(2023, 9, 19)


def figure(qualifier, low=None, high=None, *, category=CasualtyCategory.KILLED, population=Population.ALL, as_of=DAY):
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
def claim_with(reviewer, event):
    """Submit a claim of ``event`` with the given figures and presences."""

    def make(*figures, presences=(), event=event, party="Ministry of Defence", **fields):
        return submit_claim(
            reviewer,
            fields={"text": f"A claim by {party}", "language": "en", "claimant_name": party, "event": event, **fields},
            figures=figures,
            presences=presences,
        )

    return make


def flags_of(claim, **filters):
    return list(ContradictionFlag.objects.filter(first_claim=claim, **filters)) + list(
        ContradictionFlag.objects.filter(second_claim=claim, **filters)
    )


def open_flags():
    return list(ContradictionFlag.objects.filter(status=FlagStatus.OPEN))


# Casualty figures


def test_two_exact_counts_of_the_same_day_that_differ_are_flagged_on_both_claims(claim_with):
    first = claim_with(figure(Q.EXACT, 6))
    second = claim_with(figure(Q.EXACT, 8), party="Local officials")
    [flag] = open_flags()
    assert (flag.first_claim, flag.second_claim) == (first, second)
    assert flags_of(first) == flags_of(second) == [flag]
    assert f"#{second.pk} says 8" in flag.reason and f"#{first.pk} says 6" in flag.reason
    for claim in (first, second):
        entry = claim.log.get(action=LogAction.CONTRADICTION_FLAGGED)
        assert entry.changes["other_claim"] == (second.pk if claim == first else first.pk)


def test_the_same_exact_count_or_a_toll_that_grew_is_no_contradiction(claim_with):
    claim_with(figure(Q.EXACT, 6))
    claim_with(figure(Q.EXACT, 6), party="Local officials")
    claim_with(figure(Q.EXACT, 27, as_of=date(2023, 9, 21)), party="Local officials")
    assert open_flags() == []


def test_a_toll_reported_lower_later_is_a_contradiction(claim_with):
    claim_with(figure(Q.AT_LEAST, 27, as_of=date(2023, 9, 20)))
    claim_with(figure(Q.EXACT, 6, as_of=date(2023, 9, 21)), party="Local officials")
    assert len(open_flags()) == 1


def test_ranges_that_do_not_overlap_are_flagged_and_overlapping_ones_are_not(claim_with, event):
    claim_with(figure(Q.EXACT, 6, 8))
    claim_with(figure(Q.EXACT, 7, 10), party="Local officials")
    assert open_flags() == []
    claim_with(figure(Q.EXACT, 11, 12), party="Human rights monitors")
    assert len(open_flags()) == 2  # above both earlier ranges


def test_a_lower_bound_above_another_claims_upper_bound(claim_with):
    claim_with(figure(Q.AT_LEAST, 6))
    claim_with(figure(Q.EXACT, 9), party="Local officials")
    assert open_flags() == []  # at least 6 and exactly 9 agree
    claim_with(figure(Q.UP_TO, high=5), party="Human rights monitors")
    assert len(open_flags()) == 2  # at most 5 is below "at least 6" and "exactly 9"


def test_about_is_never_a_contradiction(claim_with):
    claim_with(figure(Q.ABOUT, 30))
    claim_with(figure(Q.EXACT, 6), party="Local officials")
    assert open_flags() == []


def test_different_categories_and_populations_are_never_compared(claim_with):
    claim_with(figure(Q.EXACT, 6), figure(Q.EXACT, 4, population=Population.MILITARY))
    claim_with(
        figure(Q.EXACT, 2, population=Population.CIVILIANS),
        figure(Q.EXACT, 30, category=CasualtyCategory.INJURED),
        party="Local officials",
    )
    assert open_flags() == []


def test_claims_of_different_events_or_none_are_never_compared(claim_with):
    claim_with(figure(Q.EXACT, 6))
    claim_with(figure(Q.EXACT, 8), event=Event.objects.create_named("Another day"))
    claim_with(figure(Q.EXACT, 9), event=None)
    assert open_flags() == []


# Troop presence


def presence(kind, start, end=None, *, place="Lachin", precision=TimePrecision.DAY, force="Russian peacekeepers"):
    return {
        "force_name": force,
        "place_name": place,
        "presence": kind,
        "period_start": start,
        "period_end": end,
        "time_precision": precision,
    }


def test_present_and_absent_at_the_same_place_in_overlapping_periods(claim_with):
    claim_with(presences=[presence("present", date(2023, 9, 18), date(2023, 9, 20))])
    claim_with(presences=[presence("absent", date(2023, 9, 20))], party="Local officials")
    [flag] = open_flags()
    assert flag.kind == "presence"
    assert "Russian peacekeepers" in flag.reason and "Lachin" in flag.reason


def test_a_week_apart_at_day_precision_does_not_overlap(claim_with):
    claim_with(presences=[presence("present", date(2023, 9, 11))])
    claim_with(presences=[presence("absent", date(2023, 9, 18))], party="Local officials")
    claim_with(presences=[presence("absent", date(2023, 9, 12), force="Other force")], party="Local officials")
    assert open_flags() == []


def test_week_and_month_precision_widen_the_period(claim_with):
    # Wednesday 13 and Saturday 16 September 2023: the same week.
    claim_with(presences=[presence("present", date(2023, 9, 13), precision=TimePrecision.WEEK)])
    claim_with(presences=[presence("absent", date(2023, 9, 16))], party="Local officials")
    assert len(open_flags()) == 1
    # A week apart, in two weeks, but in the same month.
    claim_with(presences=[presence("absent", date(2023, 9, 25), place="Shusha")], party="Local officials")
    claim_with(presences=[presence("present", date(2023, 9, 4), place="Shusha", precision=TimePrecision.MONTH)])
    assert len(open_flags()) == 2


def test_an_undated_presence_is_of_the_day_its_claim_was_stated(claim_with):
    # "Its forces are not in Nagorno-Karabakh", said on 20 September, speaks of that day.
    claim_with(presences=[presence("present", None)], stated_on=date(2023, 9, 20))
    claim_with(presences=[presence("absent", None)], party="Local officials", stated_on=date(2023, 9, 27))
    assert open_flags() == []
    claim_with(presences=[presence("absent", None)], party="Monitors", stated_on=date(2023, 9, 20))
    [flag] = open_flags()
    assert flag.kind == "presence"
    claim_with(presences=[presence("absent", None)], party="Bloggers")  # no date at all: not compared
    assert len(open_flags()) == 1


def test_place_precision_absent_from_a_region_against_present_in_one_of_its_villages(claim_with):
    region = get_or_create_place("Lachin district", PlacePrecision.REGION)
    village = get_or_create_place("Zabukh", PlacePrecision.LOCALITY)
    village.parent = region
    village.save()
    # Present in the region, absent from one village: both may be true.
    claim_with(presences=[presence("present", DAY, place="Lachin district")])
    claim_with(presences=[presence("absent", DAY, place="Zabukh")], party="Local officials")
    assert open_flags() == []
    # Absent from the whole region, present in its village: not both.
    other_force = {"force": "Armed Forces of Armenia"}
    claim_with(presences=[presence("absent", DAY, place="Lachin district", **other_force)], party="Monitors")
    claim_with(presences=[presence("present", DAY, place="Zabukh", **other_force)], party="Local officials")
    [flag] = open_flags()
    assert "Zabukh" in flag.reason


# Recomputation, explanation and the log


def test_an_edit_that_removes_the_conflict_resolves_the_flag_and_one_that_restores_it_reopens_it(claim_with, reviewer):
    first = claim_with(figure(Q.EXACT, 6))
    second = claim_with(figure(Q.EXACT, 8), party="Local officials")
    [flag] = open_flags()
    second = edit_claim(second, reviewer, expected_version=second.version, fields={}, figures=[figure(Q.EXACT, 6)])
    flag.refresh_from_db()
    assert flag.status == FlagStatus.RESOLVED
    assert ContradictionFlag.objects.count() == 1  # kept, not deleted
    assert first.log.filter(action=LogAction.CONTRADICTION_RESOLVED).count() == 1
    assert second.log.filter(action=LogAction.CONTRADICTION_RESOLVED).count() == 1
    edit_claim(second, reviewer, expected_version=second.version, fields={}, figures=[figure(Q.EXACT, 9)])
    flag.refresh_from_db()
    assert flag.status == FlagStatus.OPEN
    assert first.log.filter(action=LogAction.CONTRADICTION_FLAGGED).count() == 2


def test_moving_a_claim_to_another_event_or_withdrawing_it_resolves_its_flags(claim_with, reviewer, editor):
    claim_with(figure(Q.EXACT, 6))
    second = claim_with(figure(Q.EXACT, 8), party="Local officials")
    third = claim_with(figure(Q.EXACT, 9), party="Monitors")
    assert len(open_flags()) == 3
    edit_claim(second, reviewer, expected_version=1, fields={"event": Event.objects.create_named("Elsewhere")})
    assert len(open_flags()) == 1
    change_status(third, editor, ClaimStatus.WITHDRAWN, rationale="A copy", expected_version=1)
    assert open_flags() == []


def test_an_explained_flag_and_its_explanation_go_in_both_logs(claim_with, reviewer, other_reviewer):
    first = claim_with(figure(Q.EXACT, 6))
    second = claim_with(figure(Q.EXACT, 8), party="Local officials")
    [flag] = open_flags()
    with pytest.raises(ValidationError) as error:
        explain_flag(flag, other_reviewer, note="   ")
    assert "note" in error.value.message_dict
    flag = explain_flag(flag, other_reviewer, note="The ministry counts only soldiers found so far.")
    assert (flag.status, flag.explained_by) == (FlagStatus.EXPLAINED, other_reviewer)
    for claim in (first, second):
        entry = claim.log.get(action=LogAction.CONTRADICTION_EXPLAINED)
        assert entry.actor == other_reviewer
        assert entry.rationale == "The ministry counts only soldiers found so far."
    with pytest.raises(PermissionDenied):
        explain_flag(flag, reviewer, note="Again")
    # Still contradictory after an unrelated edit: the explanation stands.
    edit_claim(second, reviewer, expected_version=second.version, fields={"text": "Reworded"})
    flag.refresh_from_db()
    assert flag.status == FlagStatus.EXPLAINED


def test_outsiders_may_not_explain(claim_with, outsider):
    claim_with(figure(Q.EXACT, 6))
    claim_with(figure(Q.EXACT, 8), party="Local officials")
    [flag] = open_flags()
    with pytest.raises(PermissionDenied):
        explain_flag(flag, outsider, note="No")


def test_the_flag_shows_on_both_claim_pages_the_event_page_and_the_dashboard(client, claim_with, reviewer, event):
    first = claim_with(figure(Q.EXACT, 6))
    second = claim_with(figure(Q.EXACT, 8), party="Local officials")
    [flag] = open_flags()
    client.force_login(reviewer)
    explain_url = reverse("intelligence:flag_explain", args=[flag.pk])
    for url in (
        first.get_absolute_url(),
        second.get_absolute_url(),
        event.get_absolute_url(),
        reverse("claims:dashboard"),
    ):
        page = client.get(url).content.decode()
        assert "contradiction-flag flag-open" in page, url
        assert explain_url in page, url


def test_the_explain_page_keeps_what_was_typed_and_then_marks_the_flag(client, claim_with, reviewer):
    first = claim_with(figure(Q.EXACT, 6))
    claim_with(figure(Q.EXACT, 8), party="Local officials")
    [flag] = open_flags()
    client.force_login(reviewer)
    url = reverse("intelligence:flag_explain", args=[flag.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"note": "x" * 10_001})
    assert response.status_code == 400
    assert "x" * 10_001 in response.content.decode()
    flag.refresh_from_db()
    assert flag.status == FlagStatus.OPEN
    response = client.post(url, {"note": "Different districts."})
    assert response.status_code == 302 and response["Location"] == first.get_absolute_url()
    flag.refresh_from_db()
    assert (flag.status, flag.note) == (FlagStatus.EXPLAINED, "Different districts.")
    assert "flag-explained" in client.get(first.get_absolute_url()).content.decode()


def test_the_api_lists_flags_by_claim_and_explains_them(client, claim_with, reviewer):
    first = claim_with(figure(Q.EXACT, 6))
    other = claim_with(figure(Q.EXACT, 1, category=CasualtyCategory.MISSING))
    claim_with(figure(Q.EXACT, 8), party="Local officials")
    [flag] = open_flags()
    client.force_login(reviewer)
    listed = client.get(f"/api/contradictions/?claim={first.pk}").json()["results"]
    assert [item["id"] for item in listed] == [flag.pk]
    assert listed[0]["status"] == "open" and f"#{first.pk}" in listed[0]["reason"]
    assert client.get(f"/api/contradictions/?claim={other.pk}").json()["results"] == []
    assert client.get("/api/contradictions/?claim=abc").status_code == 400
    response = client.post(f"/api/contradictions/{flag.pk}/explain/", {"note": ""}, content_type="application/json")
    assert response.status_code == 400 and "note" in response.json()["errors"]
    response = client.post(
        f"/api/contradictions/{flag.pk}/explain/", {"note": "Counted later."}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["status"] == "explained"
    response = client.post(
        f"/api/contradictions/{flag.pk}/explain/", {"note": "Again"}, content_type="application/json"
    )
    assert response.status_code == 403


# What a write reads: the flags depend only on what a claim states


def _statements_on(table, queries):
    return [query["sql"] for query in queries if table in query["sql"]]


def test_linking_sources_and_evidence_leaves_the_flags_as_they_are(claim_with, reviewer):
    claim = claim_with(figure(Q.EXACT, 6))
    claim_with(figure(Q.EXACT, 8), party="Local officials")
    with CaptureQueriesContext(connection) as queries:
        link_source(claim, reviewer, SourceLinkData(url="https://news.example.org/six-killed"))
        add_evidence(claim, reviewer, stance=Stance.SUPPORTS, source_url="https://wire.example.org/six")
    on_flags = _statements_on(ContradictionFlag._meta.db_table, queries.captured_queries)
    # Each regrade reads the claim's open flags once; none is locked to be recomputed, none written,
    # and no rival claim is read.
    assert len(on_flags) == 2
    assert all(sql.startswith("SELECT") and "FOR UPDATE" not in sql for sql in on_flags)
    assert not [sql for sql in queries.captured_queries if "casualtyfigure" in sql["sql"] and "SELECT" in sql["sql"]]


def test_a_claim_submitted_with_its_sources_is_graded_once(reviewer, event):
    with CaptureQueriesContext(connection) as queries:
        submit_claim(
            reviewer,
            fields={"text": "Six killed", "language": "en", "claimant_name": "Ministry of Defence", "event": event},
            figures=[figure(Q.EXACT, 6)],
            sources=[
                SourceLinkData(url="https://news.example.org/six-killed"),
                SourceLinkData(url="https://wire.example.org/six"),
            ],
        )
    grade_writes = [
        sql for sql in _statements_on(ClaimGrade._meta.db_table, queries.captured_queries) if "INSERT" in sql
    ]
    assert len(grade_writes) == 1


@pytest.mark.parametrize("claims", [4, 12])
def test_the_flags_of_claims_told_of_together_are_read_once_for_all(claim_with, reviewer, claims):
    # An import tells of 25 claims at once: read claim by claim, their rivals and flags
    # cost a dozen queries a claim, half of an import's time once grading was shared.
    written = [claim_with(figure(Q.EXACT, 6 + n % 2), party=f"Party {n}") for n in range(claims)]
    with CaptureQueriesContext(connection) as queries:
        touched = recompute_flags([claim.pk for claim in written], reviewer)
    assert touched == set()  # nothing changed since each was written: no flag opened or resolved
    assert len(queries.captured_queries) == 7  # the claims, their rivals, each with figures and presences; the flags
    assert len(open_flags()) == (claims // 2) ** 2  # every 6 against every 7
