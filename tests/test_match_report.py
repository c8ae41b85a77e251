"""A match that fails says what is missing: which of the claim's figures
the page carries and which it does not, and, for a quote not found, the
closest passage on the page with the differences marked, so that a 27
turned 32 is seen at a glance."""

import pytest

from claims.choices import QuoteMatch
from claims.matching import SearchablePage
from tests import test_source_checks as checks_module
from tests.html_page import Page
from tests.test_source_checks import QUOTE, check_now, page

linked_claim, _media = checks_module.linked_claim, checks_module._media

pytestmark = pytest.mark.django_db

REVISED = "据当地亚美尼亚人说，至少32人死亡，200人受伤"


def source_card(response):
    return next(element for element in Page(response).root.descendants() if "source-card" in element.classes)


def texts_of(element, tag: str) -> list[str]:
    return [found.text() for found in element.descendants() if found.tag == tag]


def test_the_closest_passage_to_a_quote_not_found_is_on_the_page():
    text = "第一段与此无关。\n当地消息：据当地亚美尼亚人说，至少32人死亡，200人受伤。\n第三段也无关。"
    passage, alike = SearchablePage(text).closest_passage(QUOTE)
    assert "至少32人死亡" in passage and "第三段" not in passage and "无关" not in passage
    assert 80 <= alike < 100


def test_the_closest_passage_keeps_the_punctuation_the_quote_has_at_its_ends():
    text = "Earlier news. “At least 32 civilians were killed,” local officials said. Later news."
    quote = "“At least 27 civilians were killed,” local officials said."
    passage, _ = SearchablePage(text).closest_passage(quote)
    assert passage == "“At least 32 civilians were killed,” local officials said."


def test_a_page_with_nothing_like_the_quote_has_no_closest_passage():
    assert SearchablePage("Weather: sunny, 24 degrees, light wind from the west.").closest_passage(QUOTE) == ("", 0)


def test_a_revised_figure_is_named_and_marked_in_the_closest_passage(
    client, linked_claim, loopback_server, allow_loopback, reviewer
):
    loopback_server.route("/article", body=page(REVISED))
    claim = linked_claim()
    check_now(claim.source_links.get().source)
    link = claim.source_links.get()
    assert (link.quote_match, link.figures_match) == (QuoteMatch.NOT_FOUND, QuoteMatch.NOT_FOUND)
    assert link.figures_missing == [27]
    assert "32" in link.closest_passage

    client.force_login(reviewer)
    card = source_card(client.get(claim.get_absolute_url()))
    words = " ".join(card.text().split())
    assert "Not on the page: 27" in words and "On the page: 200" in words
    assert texts_of(card, "del") == ["27"]
    assert texts_of(card, "ins") == ["32"]


def test_a_quote_found_has_no_closest_passage_to_show(client, linked_claim, loopback_server, allow_loopback, reviewer):
    loopback_server.route("/article", body=page(QUOTE))
    claim = linked_claim()
    check_now(claim.source_links.get().source)
    link = claim.source_links.get()
    assert (link.figures_missing, link.closest_passage) == ([], "")
    client.force_login(reviewer)
    assert texts_of(source_card(client.get(claim.get_absolute_url())), "del") == []
