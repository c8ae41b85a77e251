"""``manage.py generate_data``: the same seed gives the same claims, each
with its parties, places, event, sources and checks, in both languages;
refused where demo data is not allowed."""

import pytest
from django.core.management import CommandError, call_command

from claims.models import Actor, CasualtyFigure, Claim, ClaimSource
from claims.search import search_claims
from sources.models import Source, SourceCheck

pytestmark = pytest.mark.django_db


def test_generated_claims_come_with_their_rows(settings):
    settings.DEMO_DATA_ALLOWED = True
    call_command("generate_data", claims=30, seed=5, stdout=None)

    claims = Claim.objects.all()
    assert claims.count() == 30
    assert set(claims.values_list("language", flat=True)) == {"en", "zh"}
    assert not claims.filter(claimant=None).exists() and not claims.filter(event=None).exists()
    assert ClaimSource.objects.count() == Source.objects.count() == SourceCheck.objects.count() == 60
    assert not SourceCheck.objects.filter(finished_at=None).exists()
    assert CasualtyFigure.objects.count() == 10
    # Each party found by its Chinese alias too, and a claim by its words.
    party = Actor.objects.get(name="Defence ministry 0")
    assert party.aliases.get().name == "国防部0"
    assert search_claims(Claim.objects.all(), "炮击").exists()
    assert search_claims(Claim.objects.all(), "shelling").exists()


def test_the_same_seed_gives_the_same_claims_and_reuses_the_named_rows(settings):
    settings.DEMO_DATA_ALLOWED = True
    call_command("generate_data", claims=12, seed=9, stdout=None)
    parties = Actor.objects.count()
    first = list(Claim.objects.order_by("pk").values_list("text", "claimant__name", "place__name", "status"))

    call_command("generate_data", claims=12, seed=9, stdout=None)

    second = list(Claim.objects.order_by("pk").values_list("text", "claimant__name", "place__name", "status"))[12:]
    assert second == first
    assert Actor.objects.count() == parties


def test_generating_is_refused_where_demo_data_is_not_allowed(settings):
    settings.DEMO_DATA_ALLOWED = False
    with pytest.raises(CommandError, match="DEMO_DATA_ALLOWED"):
        call_command("generate_data", claims=5)
    assert not Claim.objects.exists()
