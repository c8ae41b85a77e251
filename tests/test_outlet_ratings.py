"""An outlet's reliability: an editor rates it on its page, with a reason,
every rating kept in an append-only log (``sources.services.rate_outlet``);
a source nobody rated on its own is shown and graded with its outlet's
rating, and the claims citing it are graded again when that rating changes."""

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims.models import ClaimGrade
from claims.services import SourceLinkData
from intelligence.tasks import regroup_sources
from sources.choices import Reliability, SourceHealth
from sources.models import Outlet, OutletRating, Source
from sources.services import rate_outlet

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    return " ".join(response.content.decode().split())


@pytest.fixture
def outlet(db):
    return Outlet.objects.create(name="Daily Courier", domain="courier.example.org", country="AM")


@pytest.fixture
def rated_elsewhere(db):
    return Outlet.objects.create(name="Evening Herald", domain="herald.example.org")


@pytest.fixture
def claim(claim_factory, outlet, rated_elsewhere):
    """A claim carried by one page of ``outlet`` (not rated on its own) and
    one of another outlet, rated B on its own: one credible report."""
    return claim_factory(
        sources=[
            SourceLinkData(url="https://courier.example.org/shelling"),
            SourceLinkData(url="https://herald.example.org/shelling", source_fields={"reliability": Reliability.B}),
        ]
    )


def _rate_page(outlet):
    return reverse("claims:outlet_detail", args=[outlet.pk])


def test_rating_an_outlet_logs_who_rated_it_when_and_why_and_keeps_every_rating(outlet, editor, other_editor):
    rate_outlet(outlet, Reliability.C, "Its figures matched the final tolls twice.", editor)
    rate_outlet(outlet, Reliability.E, "Ran a fabricated video as its own footage.", other_editor)

    outlet.refresh_from_db()
    assert (outlet.reliability, outlet.reliability_reason) == ("E", "Ran a fabricated video as its own footage.")
    assert outlet.reliability_set_by == other_editor
    newest, first = OutletRating.objects.filter(outlet=outlet)
    assert (newest.reliability, newest.set_by, newest.set_at) == ("E", other_editor, outlet.reliability_set_at)
    assert (first.reliability, first.set_by, first.reason) == (
        "C",
        editor,
        "Its figures matched the final tolls twice.",
    )
    assert first.set_at < newest.set_at


def test_the_rating_log_is_append_only(outlet, editor):
    rate_outlet(outlet, Reliability.B, "Long record of corrections.", editor)
    rating = OutletRating.objects.get()
    rating.reason = "Rewritten"
    with pytest.raises(PermissionError):
        rating.save()
    with pytest.raises(PermissionError):
        rating.delete()
    with pytest.raises(PermissionError):
        OutletRating.objects.update(reason="Rewritten")
    with pytest.raises(PermissionError):
        OutletRating.objects.all().delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE sources_outletrating SET reason = 'Rewritten'")
    assert OutletRating.objects.get().reason == "Long record of corrections."


def test_a_rating_needs_a_reason_and_the_form_keeps_what_was_typed(client, outlet, editor):
    client.force_login(editor)
    response = client.post(_rate_page(outlet), {"reliability": "A", "reason": "   "})
    assert response.status_code == 400
    assert "This field is required." in text_of(response)
    assert '<option value="A" selected>' in response.content.decode()
    response = client.post(_rate_page(outlet), {"reliability": "Z", "reason": "Typed with care"})
    assert response.status_code == 400
    assert "Select a valid choice." in text_of(response)
    assert "Typed with care</textarea>" in response.content.decode()
    assert not OutletRating.objects.exists()

    with pytest.raises(ValidationError, match="Say why"):
        rate_outlet(outlet, Reliability.A, "", editor)
    outlet.refresh_from_db()
    assert outlet.reliability == Reliability.F


def test_an_editor_rates_an_outlet_on_its_page_and_a_reviewer_is_refused(client, outlet, editor, reviewer):
    client.force_login(reviewer)
    page = text_of(client.get(_rate_page(outlet)))
    assert "Nobody has rated this outlet yet." in page
    assert "Rate this outlet" not in page
    response = client.post(_rate_page(outlet), {"reliability": "B", "reason": "Reliable in the last war."})
    assert response.status_code == 403
    assert not OutletRating.objects.exists()

    client.force_login(editor)
    assert "Rate this outlet" in text_of(client.get(_rate_page(outlet)))
    response = client.post(_rate_page(outlet), {"reliability": "B", "reason": "Reliable in the last war."})
    assert response.status_code == 302
    assert response["Location"] == _rate_page(outlet)
    page = text_of(client.get(_rate_page(outlet)))
    assert "Rated by editor on" in page
    assert "Reliable in the last war." in page
    assert OutletRating.objects.get().set_by == editor


def test_a_source_without_its_own_rating_shows_its_outlets_and_one_rated_keeps_its_own(
    client, claim, outlet, rated_elsewhere, editor, reviewer
):
    rate_outlet(outlet, Reliability.B, "Reliable in the last war.", editor)
    rate_outlet(rated_elsewhere, Reliability.E, "Fabricated a quote.", editor)
    courier = Source.objects.get(url__contains="courier")
    herald = Source.objects.get(url__contains="herald")
    assert (courier.rated_reliability, herald.rated_reliability) == ("B", "B")

    client.force_login(reviewer)
    courier_page = text_of(client.get(courier.get_absolute_url()))
    assert 'title="B: usually reliable' in courier_page
    assert "(its outlet's rating)" in courier_page
    assert reverse("claims:outlet_detail", args=[outlet.pk]) in courier_page
    herald_page = text_of(client.get(herald.get_absolute_url()))
    assert 'title="B: usually reliable' in herald_page
    assert "its outlet's rating" not in herald_page
    assert 'title="E: unreliable' not in herald_page


def test_the_api_gives_a_sources_own_rating_and_the_one_it_is_graded_with(client, claim, outlet, editor, reviewer):
    rate_outlet(outlet, Reliability.B, "Reliable in the last war.", editor)
    courier = Source.objects.get(url__contains="courier")
    client.force_login(reviewer)

    answer = client.get(reverse("api:source-detail", args=[courier.pk])).json()

    assert (answer["reliability"], answer["rated_reliability"]) == ("F", "B")


def test_the_grades_of_the_claims_citing_an_outlet_are_recomputed_when_it_is_rated(
    claim, outlet, editor, monkeypatch, django_capture_on_commit_callbacks
):
    assert ClaimGrade.objects.get(claim=claim).credible == 1  # the herald's page alone
    # The regrade is queued once the rating commits; run here as the worker would.
    monkeypatch.setattr(regroup_sources, "delay", regroup_sources)

    with django_capture_on_commit_callbacks(execute=True):
        rate_outlet(outlet, Reliability.C, "Fairly reliable.", editor)
    grade = ClaimGrade.objects.get(claim=claim)
    assert (grade.grade, grade.credible) == ("corroborated", 2)

    with django_capture_on_commit_callbacks(execute=True):
        rate_outlet(outlet, Reliability.D, "Not usually reliable after all.", editor)
    assert ClaimGrade.objects.get(claim=claim).credible == 1


def test_the_outlet_list_shows_each_outlet_with_its_rating_and_sources(client, claim, outlet, editor, reviewer):
    rate_outlet(outlet, Reliability.A, "Decades of accurate reporting.", editor)
    client.force_login(reviewer)
    page = text_of(client.get(reverse("claims:outlet_list")))
    assert "Daily Courier" in page and "courier.example.org" in page and "Evening Herald" in page
    assert 'title="A: completely reliable' in page
    assert "F: not yet rated" in page  # the herald
    assert reverse("claims:outlet_detail", args=[outlet.pk]) in page
    assert reverse("claims:outlet_list") in text_of(client.get(reverse("claims:dashboard")))


def test_the_outlet_page_lists_its_sources_with_their_health_and_the_claims_citing_them(
    client, claim, outlet, reviewer
):
    courier = Source.objects.get(url__contains="courier")
    Source.objects.filter(pk=courier.pk).update(health=SourceHealth.GONE)
    client.force_login(reviewer)
    page = text_of(client.get(_rate_page(outlet)))
    assert courier.get_absolute_url() in page
    assert 'data-health="gone"' in page
    assert claim.get_absolute_url() in page
    assert "herald.example.org/shelling" not in page


def test_the_admin_shows_an_outlets_rating_but_cannot_change_it(client, outlet, editor, admin_user):
    User.objects.filter(pk=admin_user.pk).update(is_staff=True)
    client.force_login(admin_user)
    rate_outlet(outlet, Reliability.B, "Reliable in the last war.", editor)
    change = reverse("admin:sources_outlet_change", args=[outlet.pk])
    page = client.get(change).content.decode()
    assert 'name="reliability"' not in page
    assert "Reliable in the last war." in page
    response = client.post(
        change,
        {
            "name": "Daily Courier",
            "domain": "courier.example.org",
            "kind": "news",
            "country": "AM",
            "reliability": "A",
            "reliability_reason": "Sneaked in",
            "ratings-TOTAL_FORMS": "0",
            "ratings-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    outlet.refresh_from_db()
    assert (outlet.reliability, outlet.reliability_reason) == ("B", "Reliable in the last war.")
    assert OutletRating.objects.count() == 1


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", ["list", "detail"])
def test_the_outlet_pages_cost_the_same_however_many_sources_and_claims(client, claim_factory, outlet, editor, page):
    rate_outlet(outlet, Reliability.B, "Reliable in the last war.", editor)
    Outlet.objects.create(name="Evening Herald", domain="herald.example.org")
    url = reverse("claims:outlet_list") if page == "list" else _rate_page(outlet)
    serial = iter(range(1000))

    def add(n):
        for _ in range(n):
            number = next(serial)
            claim_factory(
                sources=[
                    SourceLinkData(url=f"https://courier.example.org/report-{number}"),
                    SourceLinkData(
                        url=f"https://herald.example.org/report-{number}", source_fields={"reliability": "A"}
                    ),
                ]
            )

    client.force_login(editor)
    add(3)
    with_three = _queries(client, url)
    add(15)
    assert _queries(client, url) == with_three
