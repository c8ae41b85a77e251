"""What keeps the claim list cheap on a large site (100,000 claims, 2,000
events): its long selects are written without a template or a model
instance per option, with the HTML Django's own select writes, and filtering
by several statuses, kinds or grades asks no DISTINCT of the database."""

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims.choices import ClaimStatus
from claims.models import Event
from claims.workflow import change_status
from tracker.widgets import LongSelect, NamedRowChoiceField

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(db):
    return [Event.objects.create_named(name) for name in ("Siege of <Shusha> & after", "Offensive", "Ceasefire")]


@pytest.mark.parametrize("chosen", [None, "", "second"])
def test_long_select_writes_what_django_select_writes(events, chosen):
    field = forms.ModelChoiceField(queryset=Event.objects.order_by("name"), required=False)
    value = events[1].pk if chosen == "second" else chosen
    attrs = {"id": "id_event", "hx-get": "/claims/?a=1&b=2", "required": False, "autofocus": True}
    expected = forms.Select(choices=field.choices).render("event", value, attrs)
    assert LongSelect(choices=field.choices).render("event", value, attrs) == expected


@pytest.mark.parametrize("chosen", [None, "second"])
def test_named_row_field_writes_what_a_model_choice_field_writes(events, chosen):
    value = str(events[1].pk) if chosen else None
    field = forms.ModelChoiceField(queryset=Event.objects.all(), required=False)
    expected = forms.Select(choices=field.choices).render("event", value)
    assert NamedRowChoiceField(queryset=Event.objects.all(), required=False).widget.render("event", value) == expected


def test_named_row_field_still_refuses_a_row_outside_its_queryset(events):
    field = NamedRowChoiceField(queryset=Event.objects.exclude(pk=events[0].pk))
    assert field.clean(str(events[1].pk)) == events[1]
    with pytest.raises(forms.ValidationError):
        field.clean(str(events[0].pk))


def test_event_filter_keeps_the_chosen_event_selected(client, reviewer, events):
    client.force_login(reviewer)
    response = client.get(reverse("claims:claim_list"), {"event": events[1].pk})
    assert f'<option value="{events[1].pk}" selected>Offensive</option>' in response.text
    assert "Siege of &lt;Shusha&gt; &amp; after" in response.text


def test_several_statuses_list_each_claim_once_without_distinct(client, reviewer, editor, claim_factory):
    claims = [claim_factory(sources=[f"https://news.example.org/{n}"]) for n in range(3)]
    change_status(claims[0], editor, ClaimStatus.IN_REVIEW, expected_version=claims[0].version)
    client.force_login(reviewer)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("claims:claim_list"), {"status": [ClaimStatus.UNVERIFIED, ClaimStatus.IN_REVIEW]})
    assert [claim.pk for claim in response.context["page"]] == [claim.pk for claim in reversed(claims)]
    assert not [query["sql"] for query in queries if "DISTINCT" in query["sql"] and "claims_claim" in query["sql"]]
