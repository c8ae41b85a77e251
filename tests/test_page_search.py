"""The claim list's search box finds the Chinese demo claims by a word or a
phrase of their text, and nothing else."""

import re

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from claims.demo import load_demo
from claims.models import Claim
from tests.html_page import Page

pytestmark = pytest.mark.django_db

_DETAIL_LINK = re.compile(r"^/claims/(\d+)/$")


@pytest.fixture
def demo_client(client, claim_factory):
    load_demo()
    claim_factory(text="Convoy of 40 trucks crossed the Lachin corridor", translation="An unrelated claim")
    client.force_login(User.objects.get(username="reviewer"))
    return client


def _listed_claims(response) -> set[int]:
    table = next(element for element in Page(response).root.descendants() if "claims" in element.classes)
    return {
        int(match.group(1))
        for link in table.descendants()
        if link.tag == "a" and (match := _DETAIL_LINK.match(link.attrs.get("href", "")))
    }


@pytest.mark.parametrize("query", ["地雷", "27人死亡"])
@pytest.mark.parametrize("headers", [{}, {"HX-Request": "true"}], ids=["full page", "htmx table"])
def test_search_lists_exactly_the_claims_that_say_it(demo_client, query, headers):
    expected = {claim.pk for claim in Claim.objects.all() if query in claim.text}
    assert len(expected) == 1, "the demo holds one claim with these words"
    assert Claim.objects.count() > 2

    response = demo_client.get(reverse("claims:claim_list"), {"q": query}, headers=headers)

    assert response.status_code == 200
    assert _listed_claims(response) == expected


def test_without_a_query_every_claim_is_listed(demo_client):
    response = demo_client.get(reverse("claims:claim_list"), {"per_page": 100})
    assert _listed_claims(response) == set(Claim.objects.values_list("pk", flat=True))
