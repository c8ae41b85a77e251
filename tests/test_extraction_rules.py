"""The number forms and rules of claim suggestion, one case each, so that a
single broken rule fails by name (the labelled-set floors only catch many)."""

import pytest

from claims.choices import Presence
from intelligence.figures import find_figures
from intelligence.numbers import find_numbers
from intelligence.presence import find_presences
from intelligence.vague_counts import VAGUE_COUNTS


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("1,200", "en", [(1200, None, "exact")]),
        ("1 200", "en", [(1200, None, "exact")]),
        ("1.2 million", "en", [(1_200_000, None, "exact")]),
        ("twenty-seven", "en", [(27, None, "exact")]),
        ("two hundred and five", "en", [(205, None, "exact")]),
        ("a dozen", "en", [(12, None, "exact")]),
        ("6 to 8", "en", [(6, 8, "exact")]),
        ("between six and eight", "en", [(6, 8, "exact")]),
        ("rose from 27 to 45", "en", [(27, None, "exact"), (45, None, "exact")]),
        ("dozens", "en", [(12, None, "at_least")]),
        ("hundreds", "en", [(100, None, "at_least")]),
        ("more than 40", "en", [(40, None, "at_least")]),
        ("over 40", "en", [(40, None, "at_least")]),
        ("40 or more", "en", [(40, None, "at_least")]),
        ("up to 40", "en", [(40, None, "up_to")]),
        ("as many as 40", "en", [(40, None, "up_to")]),
        ("about 40", "en", [(40, None, "about")]),
        ("十二", "zh", [(12, None, "exact")]),
        ("两百", "zh", [(200, None, "exact")]),
        ("12万", "zh", [(120_000, None, "exact")]),
        ("1.2万", "zh", [(12_000, None, "exact")]),
        ("6-8人", "zh", [(6, 8, "exact")]),
        ("6至8人", "zh", [(6, 8, "exact")]),
        ("数十人", "zh", [(12, None, "at_least")]),
        ("上百人", "zh", [(100, None, "at_least")]),
        ("至少27人", "zh", [(27, None, "at_least")]),
        ("逾千人", "zh", [(1000, None, "at_least")]),
        ("20多人", "zh", [(20, None, "at_least")]),
        ("超过20人", "zh", [(20, None, "at_least")]),
        ("最多20人", "zh", [(20, None, "up_to")]),
        ("不超过20人", "zh", [(20, None, "up_to")]),
        ("27人左右", "zh", [(27, None, "about")]),
        ("一些村庄", "zh", []),
        ("F-16 and Su-25 jets", "en", []),
    ],
)
def test_numbers_as_outlets_write_them(text, language, expected):
    found = [(m.low, m.high, str(m.qualifier)) for m in find_numbers(text, language)]
    assert found == expected


def test_dozens_and_hundreds_are_coded_as_acled_does_and_their_chinese_alike():
    assert VAGUE_COUNTS["dozens"] == VAGUE_COUNTS["数十"] == 12
    assert VAGUE_COUNTS["hundreds"] == VAGUE_COUNTS["上百"] == VAGUE_COUNTS["数百"] == 100


@pytest.mark.parametrize(
    ("sentence", "language"),
    [
        ("A 27-year-old man was killed on September 19, 2023.", "en"),
        ("The shell landed 5 km away and killed no one.", "en"),
        ("The fund paid $300 to each of the wounded.", "en"),
        ("The second strike, at 10:30, caused no deaths.", "en"),
        ("Seventy percent of the buildings were destroyed.", "en"),
        ("Russia keeps 2,000 peacekeepers in the region.", "en"),
        ("An estimated 500 soldiers were killed or wounded.", "en"),
        ("2023年9月19日，第二次袭击发生在距边境5公里处，无人死亡。", "zh"),
        ("大火烧毁了300栋房屋，2500名居民无家可归，但没有造成人员死亡。", "zh"),
        ("约有500名士兵在进攻中伤亡。", "zh"),
        ("援助价值250万美元。", "zh"),
    ],
)
def test_numbers_that_count_no_casualties_give_no_figure(sentence, language):
    assert find_figures(sentence, language) == []


@pytest.mark.parametrize(
    ("sentence", "language", "expected"),
    [
        ("Over 60 soldiers and 14 civilians were killed.", "en", [(60, "military"), (14, "civilians")]),
        ("Fighting killed at least 20 fighters and 5 soldiers.", "en", [(20, "military"), (5, "military")]),
        ("The toll from the strike on the market rose to 45.", "en", [(45, "all")]),
        ("31人受伤，其中三人伤势严重。", "zh", [(31, "all")]),
        ("地面行动中阵亡的士兵人数升至160人。", "zh", [(160, "military")]),
        ("27死200伤", "zh", [(27, "all"), (200, "all")]),
    ],
)
def test_which_casualty_word_governs_which_count(sentence, language, expected):
    assert [(f.low or f.high, str(f.population)) for f in find_figures(sentence, language)] == expected


def test_a_denied_presence_is_not_read_as_presence_too():
    found = find_presences("No Russian troops are stationed in Transnistria's buffer zone.", "en")
    assert [(p.force, p.place, p.presence) for p in found] == [
        ("Russian troops", "Transnistria's buffer zone", Presence.ABSENT)
    ]


@pytest.mark.parametrize(
    ("sentence", "language", "expected"),
    [
        ("阿塞拜疆于当天宣布在纳卡地区驱逐亚美尼亚武装部队。", "zh", ("亚美尼亚武装部队", "纳卡地区")),
        ("该国誓言将外国军队赶出北部地区。", "zh", ("外国军队", "北部地区")),
        (
            "Azerbaijan launched an operation to expel Armenian forces from Nagorno-Karabakh.",
            "en",
            ("Armenian forces", "Nagorno-Karabakh"),
        ),
        ("The army vowed to drive foreign troops out of the Donbas.", "en", ("foreign troops", "the Donbas")),
    ],
)
def test_a_force_to_be_expelled_from_a_place_is_said_to_be_there(sentence, language, expected):
    found = find_presences(sentence, language)
    assert [(p.force, p.place, p.presence) for p in found] == [(*expected, Presence.PRESENT)]


def test_a_place_without_a_force_is_absence():
    found = find_presences("帕希尼扬表示，纳卡地区没有亚美尼亚军队。", "zh")
    assert [(p.force, p.place, p.presence) for p in found] == [("亚美尼亚军队", "纳卡地区", Presence.ABSENT)]
