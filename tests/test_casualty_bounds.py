"""Structured casualty bounds are validated with messages that say what to fix."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from claims.choices import BoundQualifier, CasualtyCategory, ClaimKind
from claims.models import CasualtyFigure

pytestmark = pytest.mark.django_db


def errors_of(**fields):
    figure = CasualtyFigure(category=CasualtyCategory.KILLED, **fields)
    with pytest.raises(ValidationError) as raised:
        figure.clean()
    return {name: [str(m) for m in messages] for name, messages in raised.value.message_dict.items()}


@pytest.mark.parametrize(
    "fields",
    [
        {"qualifier": BoundQualifier.EXACT, "low": 4},
        {"qualifier": BoundQualifier.EXACT, "low": 20, "high": 30},
        {"qualifier": BoundQualifier.AT_LEAST, "low": 27},
        {"qualifier": BoundQualifier.UP_TO, "high": 200},
        {"qualifier": BoundQualifier.ABOUT, "low": 120000},
        {"qualifier": BoundQualifier.ABOUT, "low": 0, "high": 5},
    ],
)
def test_consistent_bounds_are_accepted(fields):
    CasualtyFigure(category=CasualtyCategory.KILLED, **fields).clean()


def test_high_below_low_names_both_numbers():
    assert errors_of(qualifier=BoundQualifier.EXACT, low=27, high=20) == {
        "high": ["The high bound (20) is below the low bound (27)."]
    }


def test_negative_bounds_are_refused():
    assert errors_of(qualifier=BoundQualifier.EXACT, low=-1) == {"low": ["The low bound (-1) cannot be negative."]}


def test_at_least_takes_no_high_bound():
    assert errors_of(qualifier=BoundQualifier.AT_LEAST, low=6, high=10) == {
        "high": ["“At least” takes only a low bound; leave the high bound empty."]
    }


def test_up_to_needs_a_high_bound_and_no_low_bound():
    assert errors_of(qualifier=BoundQualifier.UP_TO, low=3) == {
        "high": ["“Up to” needs a high bound."],
        "low": ["“Up to” takes only a high bound; leave the low bound empty."],
    }


def test_exact_needs_a_low_bound():
    assert errors_of(qualifier=BoundQualifier.EXACT, high=3) == {"low": ["“Exactly” needs a low bound."]}


def test_the_service_refuses_bad_bounds_and_saves_nothing(claim_factory):
    with pytest.raises(ValidationError):
        claim_factory(
            kind=ClaimKind.CASUALTY_FIGURE,
            figures=[{"category": CasualtyCategory.KILLED, "qualifier": BoundQualifier.EXACT, "low": 27, "high": 20}],
        )
    assert not CasualtyFigure.objects.exists()


def test_the_database_refuses_inverted_bounds(claim_factory):
    claim = claim_factory()
    with pytest.raises(IntegrityError), transaction.atomic():
        CasualtyFigure.objects.create(
            claim=claim, category=CasualtyCategory.KILLED, qualifier=BoundQualifier.EXACT, low=27, high=20
        )
