"""What changed in a page's text between two checks (``sources.changes``)."""

from sources.changes import MAX_TOKENS_COMPARED, Block, Piece, text_changes

BEFORE = "纳卡冲突\n当地亚美尼亚人称，至少有27人死亡，200人受伤。\n阿塞拜疆称其打击的是军事目标。"


def _changed(blocks):
    return [(piece.kind, piece.text) for block in blocks for piece in block.pieces if piece.kind != "same"]


def test_a_revised_figure_in_chinese_is_marked_character_by_character():
    after = BEFORE.replace("27人", "32人")

    blocks = text_changes(BEFORE, after)

    assert [block.kind for block in blocks] == ["unchanged", "rewritten", "unchanged"]
    assert _changed(blocks) == [("removed", "27"), ("added", "32")]
    assert "".join(piece.text for piece in blocks[1].pieces if piece.kind != "removed") == after.splitlines()[1]


def test_english_is_compared_word_by_word():
    blocks = text_changes(
        "At least 27 people were killed, officials said.", "At least 27 people were killed, officials said on Monday."
    )

    assert _changed(blocks) == [("added", " on Monday")]


def test_paragraphs_added_and_removed_are_shown_whole_and_the_rest_counted():
    after = "纳卡冲突\n阿塞拜疆称其打击的是军事目标。\n俄罗斯维和部队称有平民伤亡。"

    blocks = text_changes(BEFORE, after)

    assert blocks == [
        Block("unchanged", unchanged=1),
        Block("removed", (Piece("removed", "当地亚美尼亚人称，至少有27人死亡，200人受伤。"),)),
        Block("unchanged", unchanged=1),
        Block("added", (Piece("added", "俄罗斯维和部队称有平民伤亡。"),)),
    ]


def test_a_paragraph_replaced_by_another_is_not_marked_word_by_word():
    blocks = text_changes("Shelling hit the market.", "The ministry denied any strike on civilians.")

    assert _changed(blocks) == [
        ("removed", "Shelling hit the market."),
        ("added", "The ministry denied any strike on civilians."),
    ]


def test_a_very_long_rewritten_paragraph_is_shown_removed_and_added_whole():
    before = "伤亡" * MAX_TOKENS_COMPARED
    after = before + "更新"

    assert _changed(text_changes(before, after)) == [("removed", before), ("added", after)]


def test_the_same_text_has_no_changes():
    assert [block.kind for block in text_changes(BEFORE, BEFORE + "\n")] == ["unchanged"]
