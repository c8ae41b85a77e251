"""A claim with a published verdict has a public page carrying its
ClaimReview; everything else about claims stays behind the log-in."""

import json

import pytest

from claims.choices import ClaimStatus
from tests.test_claimreview import publish

pytestmark = pytest.mark.django_db


def jsonld(response):
    html = response.content.decode()
    start = html.index('<script type="application/ld+json">') + len('<script type="application/ld+json">')
    return json.loads(html[start : html.index("</script>", start)])


def test_anyone_may_read_a_published_claim_with_its_review(client, claim_factory, reviewer, editor):
    claim = publish(claim_factory(text="至少27人死亡"), ClaimStatus.REFUTED, reviewer, editor)

    response = client.get(claim.get_absolute_url())

    assert response.status_code == 200
    assert "至少27人死亡" in response.content.decode()
    assert "Checked against two sources." in response.content.decode()
    review = jsonld(response)
    assert review["@type"] == "ClaimReview"
    assert review["reviewRating"]["alternateName"] == "Refuted"
    # The reviewers' working material is not public.
    assert "Timeline" not in response.content.decode()
    assert "Attach evidence" not in response.content.decode()


def test_an_unpublished_claim_sends_visitors_to_log_in(client, claim_factory):
    claim = claim_factory()
    response = client.get(claim.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_an_account_without_a_role_may_not_read_an_unpublished_claim(client, claim_factory, outsider):
    client.force_login(outsider)
    assert client.get(claim_factory().get_absolute_url()).status_code == 403


def test_members_get_the_full_page(client, claim_factory, reviewer, editor):
    claim = publish(claim_factory(), ClaimStatus.SUPPORTED, reviewer, editor)
    client.force_login(reviewer)
    response = client.get(claim.get_absolute_url())
    assert "Timeline" in response.content.decode()
    assert jsonld(response)["reviewRating"]["ratingValue"] == 4
