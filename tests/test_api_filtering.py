"""The API applies plain filters (a vocabulary, the search) without building
the claim FilterSet's form, and answers exactly as the form would: the same
claims for every value it takes, the same field-level 400 for every value it
refuses (``claims/api/filtering.py``)."""

import pytest
from django.http import QueryDict

from claims.api.views.claims import ClaimApiFilterSet
from claims.choices import ClaimKind, ClaimStatus, Language
from claims.models import Claim
from claims.workflow import change_status


@pytest.fixture
def claims(claim_factory, reviewer, editor):
    claim_factory(submitter=reviewer, text="Drone strike on the bridge", language=Language.EN)
    claim_factory(submitter=reviewer, text="Shelling of the market", kind=ClaimKind.EVENT, language=Language.EN)
    claim_factory(submitter=reviewer, text="炮击市场", language=Language.ZH)
    in_review = claim_factory(submitter=reviewer, text="Shelling near the bridge", language=Language.EN)
    change_status(in_review, editor, ClaimStatus.IN_REVIEW, expected_version=1)


@pytest.fixture
def forms_built(monkeypatch):
    """How many times a claim filter form is built."""
    built = []
    get_form_class = ClaimApiFilterSet.get_form_class

    def counting(self):
        built.append(type(self))
        return get_form_class(self)

    monkeypatch.setattr(ClaimApiFilterSet, "get_form_class", counting)
    return built


def query(params) -> QueryDict:
    data = QueryDict(mutable=True)
    for name, values in params.items():
        data.setlist(name, values if isinstance(values, list) else [values])
    return data


def through_the_form(params) -> ClaimApiFilterSet:
    return ClaimApiFilterSet(query(params), queryset=Claim.objects.all())


@pytest.mark.parametrize(
    "params",
    [
        {"status": "in_review"},
        {"status": ["unverified", "in_review"]},
        {"status": ["in_review", "in_review"]},
        {"kind": "event"},
        {"grade": ["single_source", "corroborated"]},
        {"language": "zh"},
        {"language": ""},
        {"language": ["zh", "en"]},  # a single choice reads the last value, as the form does
        {"q": "bridge"},
        {"q": "  炮击  "},
        {"q": "   "},
        {"q": ["market", "bridge"]},
        {"status": "unverified", "language": "en", "q": "shelling"},
        {"status_of_something": "x"},  # names ``status`` as a range's suffix would: no value of its own
    ],
)
def test_plain_filters_list_what_the_form_lists_without_building_it(reviewer_api, claims, forms_built, params):
    response = reviewer_api.get("/api/claims/", query(params))

    assert response.status_code == 200, response.content
    assert forms_built == []
    filterset = through_the_form(params)
    assert filterset.is_valid()
    expected = list(filterset.qs.order_by("-created_at").values_list("id", flat=True))
    assert [claim["id"] for claim in response.json()["results"]] == expected


@pytest.mark.parametrize(
    "params",
    [
        {"status": ""},
        {"status": ["in_review", "bogus"]},
        {"kind": "KIND"},
        {"grade": "excellent"},
        {"language": "klingon"},
        {"q": "bridge", "status": "bogus"},
    ],
)
def test_a_value_a_plain_filter_refuses_is_refused_with_the_forms_words(reviewer_api, claims, params):
    response = reviewer_api.get("/api/claims/", query(params))

    assert response.status_code == 400, response.content
    filterset = through_the_form(params)
    assert not filterset.is_valid()
    assert response.json()["errors"] == {name: list(messages) for name, messages in filterset.errors.items()}


def test_a_filter_that_needs_the_form_takes_the_whole_filterset(reviewer_api, claims, forms_built):
    params = {"date_field": "stated_on", "q": "bridge"}  # ``date_field`` is a method of the FilterSet

    response = reviewer_api.get("/api/claims/", params)

    assert response.status_code == 200, response.content
    assert forms_built == [ClaimApiFilterSet]
    expected = list(through_the_form(params).qs.order_by("-created_at").values_list("id", flat=True))
    assert len(expected) == 2
    assert [claim["id"] for claim in response.json()["results"]] == expected
