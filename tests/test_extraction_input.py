"""Bad input to claim suggestion gives a clear error, in bounded time, never a crash."""

import os
import time

import pytest
from django.utils import translation

from intelligence.extraction import (
    MAX_ARTICLE_CHARS,
    ArticleError,
    ArticleTooLong,
    EmptyArticle,
    UnreadableArticle,
    UnsupportedLanguage,
    suggest_claims,
)
from intelligence.sentences import MAX_SENTENCE_CHARS


@pytest.mark.parametrize("text", ["", "   \n\n\t  ", b""])
def test_empty_article_is_refused(text):
    with pytest.raises(EmptyArticle, match="empty"):
        suggest_claims(text)


def test_five_megabytes_is_refused_at_once():
    text = "当地至少有27人死亡，200人受伤。" * (5 * 1024 * 1024 // 48)
    started = time.monotonic()
    with pytest.raises(ArticleTooLong, match=f"at most {MAX_ARTICLE_CHARS:,}"):
        suggest_claims(text)
    with pytest.raises(ArticleTooLong):
        suggest_claims(text.encode())
    assert time.monotonic() - started < 0.5


def test_binary_garbage_is_refused():
    garbage = os.urandom(20_000)
    with pytest.raises(UnreadableArticle):
        suggest_claims(garbage)
    with pytest.raises(UnreadableArticle, match="does not look like text"):
        suggest_claims(garbage.decode("latin-1"))
    with pytest.raises(UnreadableArticle):
        suggest_claims(garbage.decode("utf-8", errors="replace"))


def test_text_in_another_script_is_refused():
    with pytest.raises(UnsupportedLanguage, match="Chinese or English"):
        suggest_claims("По меньшей мере 27 человек погибли.")
    with pytest.raises(UnsupportedLanguage):
        suggest_claims("At least 27 people were killed.", language="ru")


def test_every_refusal_is_a_value_error_with_a_message():
    for text in ("", "x" * (MAX_ARTICLE_CHARS + 1), "\x00\x01\x02" * 100, "123 456"):
        with pytest.raises(ArticleError) as refused:
            suggest_claims(text)
        assert isinstance(refused.value, ValueError)
        assert str(refused.value)


def test_an_article_of_the_longest_size_is_read_in_bounded_time():
    paragraph = (
        "Local officials said at least 27 people were killed and 200 injured on September 19, 2023. "
        "Azerbaijan's foreign ministry said six people, four soldiers and two civilians, died in mine blasts.\n\n"
    )
    text = (paragraph * (MAX_ARTICLE_CHARS // len(paragraph)))[:MAX_ARTICLE_CHARS]
    started = time.monotonic()
    candidates = suggest_claims(text)
    assert time.monotonic() - started < 10
    assert candidates


def test_a_sentence_never_runs_longer_than_a_claim_may():
    candidates = suggest_claims("Local officials said at least 27 people were killed, " * 200)
    assert candidates
    assert all(len(candidate.sentence) <= MAX_SENTENCE_CHARS for candidate in candidates)


def test_the_messages_are_in_the_readers_language():
    with translation.override("zh-hans"), pytest.raises(EmptyArticle, match="文章为空"):
        suggest_claims("")
    with translation.override("zh-hans"), pytest.raises(ArticleTooLong, match="最多可粘贴 100,000 个字符"):
        suggest_claims("x" * (MAX_ARTICLE_CHARS + 1))


@pytest.mark.parametrize(
    "unit",
    [
        "x. ",  # a sentence end every three characters, in one paragraph
        "当地至少有27人死亡",  # one Chinese "sentence" of 100,000 characters full of counts
        "Local officials said at least 27 people were killed and 200 injured ",  # one English run, no full stop
        "“他表示",  # quotes that never close
    ],
)
def test_pathological_text_of_the_longest_size_is_read_in_bounded_time(unit):
    text = (unit * (MAX_ARTICLE_CHARS // len(unit) + 1))[:MAX_ARTICLE_CHARS]
    started = time.monotonic()
    suggest_claims(text)
    assert time.monotonic() - started < 10  # 190 s and 290 s for the first two before sentences were bounded
