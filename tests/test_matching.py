"""Finding quoted passages and figures in a page's text, across the ways
the same words are written: full-width forms, case, Chinese and Western
punctuation, numbers in digits, Chinese numerals and English words."""

import pytest

from claims.matching import SearchablePage, fold

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


@pytest.mark.parametrize(
    ("quote", "found"),
    [
        ("至少27人死亡……一些村庄的居民已经被疏散", True),
        ("至少27人死亡…一些村庄的居民", True),
        ("at least 27 killed ... villages evacuated", True),
        ("一些村庄的居民已经被疏散……至少27人死亡", False),  # the parts out of order
        ("至少27人死亡……全部村庄", False),
    ],
)
def test_a_quote_shortened_with_an_ellipsis_is_found_when_its_parts_are(quote, found):
    page = SearchablePage(
        "当地亚美尼亚人说，至少27人死亡，200人受伤，一些村庄的居民已经被疏散。"
        " Residents say at least 27 killed, 200 injured; several villages evacuated."
    )
    match = page.find_quote(quote)
    assert match.found is found
    if found:
        assert "27" in match.excerpt


def test_symbols_that_change_a_figure_are_kept():
    assert not SearchablePage("losses of 27% were reported").find_quote("losses of 27 were").found


def test_text_that_changes_length_when_folded_still_maps_its_excerpt():
    page = SearchablePage("The ﬁrst report: 6 killed.")  # the ligature folds to two letters
    found = page.find_quote("first report 6 killed")
    assert found.found
    assert "ﬁrst report: 6 killed" in found.excerpt


@pytest.mark.parametrize(
    ("text", "numbers", "found"),
    [
        ("至少二十七人死亡", [27], True),
        ("至少27人死亡，200人受伤", [27, 200], True),
        ("二十七人死亡，两百人受伤", [27, 200], True),
        ("两千人撤离", [2000], True),
        ("一千二百人受伤", [1200], True),
        ("死亡人数为2.7万", [27000], True),
        ("十二万人流离失所", [120000], True),
        ("12万人流离失所", [120000], True),
        ("死亡人数为27万", [27], False),
        ("二十七万人", [27], False),
        ("six killed by mines", [6], True),
        ("Twenty seven killed", [27], True),
        ("twenty-seven killed, two hundred injured", [27, 200], True),
        ("two hundred and five", [205], True),
        ("two hundred five", [205], True),
        ("one thousand, two hundred wounded", [1200], True),
        ("twenty-seven thousand displaced", [27000], True),
        ("1.2 million refugees", [1_200_000], True),
        ("twenty-seven thousand displaced", [27], False),
        ("two hundred and five", [200], False),
        ("one hundred and twenty-seven", [120], False),
        ("one hundred and twenty-seven", [7], False),
        ("at least 27 killed and 1,200 injured", [27, 1200], True),
        ("killed 27.", [27], True),
        ("127 were killed", [27], False),
        ("27.5 percent", [27], False),
        ("27 killed", [27, 200], False),
    ],
)
def test_figures_in_digits_chinese_numerals_or_words(text, numbers, found):
    assert SearchablePage(text).find_figures(numbers).found is found


@pytest.mark.parametrize("number", [0, 1, 2_147_483_647, 2_147_400_000])
def test_every_bound_a_figure_can_hold_is_looked_for(number):
    assert SearchablePage(f"reported: {number:,} people").find_figures([number]).found


def test_fold_keeps_the_origin_of_every_character():
    folded, origins = fold("Ａ，b")
    assert folded == "ab"
    assert origins == [0, 2]
