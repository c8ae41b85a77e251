"""Finding quoted passages and figures in a page's text, across the ways
the same words are written: full-width forms, case, Chinese and Western
punctuation, numbers in digits, Chinese numerals and English words."""

import pytest

from sources.matching import SearchablePage, chinese_numeral, fold

PAGE = "路透社报道称：“当地至少有２７人死亡，200人受伤。”一些村庄的居民已经被疏散。"


def test_a_quote_is_found_whatever_its_punctuation_width_and_spacing():
    found = SearchablePage(PAGE).find_quote("当地至少有 27 人死亡, 200人受伤")
    assert found.found
    # The excerpt is the page's own text, full-width digits and all.
    assert "至少有２７人死亡，200人受伤" in found.excerpt


def test_case_and_western_punctuation_are_folded():
    page = SearchablePage("Azerbaijan's ministry said: “Six people—four soldiers, two civilians—were KILLED.”")
    assert page.find_quote("six people four soldiers two civilians were killed").found


def test_a_changed_word_is_not_found():
    assert not SearchablePage(PAGE).find_quote("当地至少有28人死亡").found


def test_symbols_that_change_a_figure_are_kept():
    assert not SearchablePage("losses of 27% were reported").find_quote("losses of 27 were").found


def test_text_that_changes_length_when_folded_still_maps_its_excerpt():
    page = SearchablePage("The ﬁrst report: 6 killed.")  # the ligature folds to two letters
    found = page.find_quote("first report 6 killed")
    assert found.found
    assert "ﬁrst report: 6 killed" in found.excerpt


@pytest.mark.parametrize(
    ("number", "written"), [(6, "六"), (10, "十"), (17, "十七"), (27, "二十七"), (105, "一百零五"), (200, "二百")]
)
def test_chinese_numerals(number, written):
    assert chinese_numeral(number) == written


@pytest.mark.parametrize(
    ("text", "numbers", "found"),
    [
        ("至少二十七人死亡", [27], True),
        ("six killed by mines", [6], True),
        ("at least 27 killed and 1,200 injured", [27, 1200], True),
        ("127 were killed", [27], False),
        ("27 killed", [27, 200], False),
    ],
)
def test_figures_in_digits_chinese_numerals_or_words(text, numbers, found):
    assert SearchablePage(text).find_figures(numbers).found is found


def test_fold_keeps_the_origin_of_every_character():
    folded, origins = fold("Ａ，b")
    assert folded == "ab"
    assert origins == [0, 2]
