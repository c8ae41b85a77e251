"""A source's reliability is explained where it is shown: the Admiralty
grade with its meaning on hover, "F: not yet rated" for a source nobody
rated, and the whole scale on the help page, in both languages."""

import pytest
from django.urls import reverse

from sources.models import Source

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    return " ".join(response.content.decode().split())


def test_an_unrated_source_reads_not_yet_rated_and_a_rated_one_has_its_meaning_on_hover(
    client, claim_factory, reviewer
):
    claim = claim_factory(sources=["https://a.example.org/one", "https://b.example.org/two"])
    Source.objects.filter(url__endswith="/two").update(reliability="B")
    client.force_login(reviewer)
    page = text_of(client.get(claim.get_absolute_url()))
    assert "F: not yet rated" in page
    assert 'title="B: usually reliable' in page
    assert reverse("claims:help") + "#reliability" in page


def test_the_help_page_explains_the_admiralty_scale(client, reviewer):
    client.force_login(reviewer)
    page = text_of(client.get(reverse("claims:help")))
    for grade in ("A: completely reliable", "E: unreliable", "F: not yet rated"):
        assert grade in page
    assert "Admiralty" in page
    chinese = text_of(client.get(reverse("claims:help"), HTTP_ACCEPT_LANGUAGE="zh-hans"))
    assert "海军部" in chinese
