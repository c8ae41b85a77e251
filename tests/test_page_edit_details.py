"""Editing a claim's casualty figures and troop presence on its edit page:
rows are changed, removed and added; the log records the change; a page
that posts only the claim's own fields leaves its rows as they were."""

import pytest

from claims.choices import BoundQualifier, CasualtyCategory, ClaimKind, LogAction
from claims.models import Actor, Place, TroopPresence
from tests.pages import edit

pytestmark = pytest.mark.django_db


@pytest.fixture
def claim(claim_factory):
    claim = claim_factory(
        kind=ClaimKind.CASUALTY_FIGURE,
        figures=[
            {"category": CasualtyCategory.KILLED, "qualifier": BoundQualifier.AT_LEAST, "low": 27},
            {"category": CasualtyCategory.INJURED, "qualifier": BoundQualifier.EXACT, "low": 200},
        ],
    )
    TroopPresence.objects.create(
        claim=claim,
        force=Actor.objects.create(name="Armenian Armed Forces"),
        place=Place.objects.create(name="Nagorno-Karabakh"),
        presence="absent",
    )
    return claim


def posted_form(client, claim):
    """The edit page's form as a browser would post it back, unchanged."""
    response = client.get(f"/claims/{claim.pk}/edit/")
    data = {}
    for name, value in response.context["form"].initial.items():
        data[f"claim-{name}"] = "" if value is None else getattr(value, "pk", value)
    for prefix in ("figures", "presences"):
        formset = response.context[prefix]
        for key, value in formset.management_form.initial.items():
            data[f"{prefix}-{key}"] = value
        for form in formset.forms:
            for field in form:  # what the browser sends: each input's shown value
                value = field.value()
                if value not in (None, False):
                    data[field.html_name] = value
    data["claim-claimant_name"] = ""
    data["claim-place_name"] = ""
    return data


def test_a_figure_is_corrected_and_another_removed(client, reviewer, claim):
    client.force_login(reviewer)
    data = posted_form(client, claim)
    # Rows come in the claim's order: injured (0), then killed (1).
    data["figures-1-low"] = "30"
    data["figures-0-DELETE"] = "on"

    response = client.post(f"/claims/{claim.pk}/edit/", data)

    assert response.status_code == 302
    assert [(f.category, f.low) for f in claim.casualty_figures.all()] == [("killed", 30)]
    assert claim.troop_presences.count() == 1  # untouched
    entry = claim.log.filter(action=LogAction.EDITED).get()
    assert "casualty_figures" in entry.changes


def test_a_presence_is_added(client, reviewer, claim):
    client.force_login(reviewer)
    data = posted_form(client, claim)
    data.update({"presences-1-force_name": "Russian peacekeepers", "presences-1-place_name": "Lachin corridor"})
    data["presences-1-presence"] = "present"

    assert client.post(f"/claims/{claim.pk}/edit/", data).status_code == 302
    assert sorted(p.force.name for p in claim.troop_presences.all()) == [
        "Armenian Armed Forces",
        "Russian peacekeepers",
    ]


def test_a_bad_figure_is_shown_and_nothing_changes(client, reviewer, claim):
    client.force_login(reviewer)
    data = posted_form(client, claim)
    data["figures-1-high"] = "50"  # "at least 27" takes no high bound

    response = client.post(f"/claims/{claim.pk}/edit/", data)

    assert response.status_code == 400
    assert "At least" in response.content.decode()
    assert sorted(f.low for f in claim.casualty_figures.all()) == [27, 200]
    claim.refresh_from_db()
    assert claim.version == 1


def test_a_post_of_the_claim_fields_alone_keeps_the_rows(client, reviewer, claim):
    client.force_login(reviewer)
    response = client.post(f"/claims/{claim.pk}/edit/", edit(claim, text="Reworded"))
    assert response.status_code == 302
    assert claim.casualty_figures.count() == 2
    assert claim.troop_presences.count() == 1
