"""URL normalisation decides when two URLs are one source."""

import pytest
from django.core.exceptions import ValidationError

from sources.fetch import fetch
from sources.models import Source
from sources.normalize import normalize_url
from sources.services import get_or_create_source


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("HTTP://Example.com/a?utm_source=x#frag", "http://example.com/a"),
        ("http://example.com/a", "http://example.com/a"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("http://example.com", "http://example.com/"),
        ("https://example.com/a?b=2&a=1&fbclid=z", "https://example.com/a?a=1&b=2"),
        ("https://例子.测试/新闻", "https://xn--fsqu00a.xn--0zwm56d/%E6%96%B0%E9%97%BB"),
        ("  https://example.com/a  ", "https://example.com/a"),
        ("https://example.com:8443/a", "https://example.com:8443/a"),
    ],
)
def test_normalize_url(raw, expected):
    assert normalize_url(raw) == expected


@pytest.mark.parametrize(
    "raw", ["", "ftp://example.com/x", "javascript:alert(1)", "http://", "https://exa mple.com:99999/"]
)
def test_invalid_urls_are_refused_with_a_message(raw):
    with pytest.raises(ValidationError) as raised:
        normalize_url(raw)
    assert raised.value.messages


@pytest.mark.django_db
def test_variants_of_one_url_are_one_source():
    first, created_first = get_or_create_source("HTTP://Example.com/a?utm_source=x#frag")
    second, created_second = get_or_create_source("http://example.com/a")
    assert (created_first, created_second) == (True, False)
    assert first.pk == second.pk
    assert Source.objects.count() == 1


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # An encoded slash is data inside one path segment, not a separator:
        # decoding it would make the source another URL, which the server may not serve.
        ("https://example.com/a%2Fb", "https://example.com/a%2Fb"),
        ("https://example.com/a%2fb", "https://example.com/a%2Fb"),
        # Other reserved characters stay encoded too, and an encoded percent stays one.
        ("https://example.com/a%3Fb%23c%3Bd", "https://example.com/a%3Fb%23c%3Bd"),
        ("https://example.com/100%25", "https://example.com/100%25"),
        # Unreserved characters are the same decoded or not, so they are decoded.
        ("https://example.com/%7Euser/%41%2d%5F", "https://example.com/~user/A-_"),
        # Hex case does not matter; what must be encoded is.
        ("https://example.com/%e6%96%b0%E9%97%BB", "https://example.com/%E6%96%B0%E9%97%BB"),
        ("https://example.com/a b", "https://example.com/a%20b"),
        ("https://example.com/50%off", "https://example.com/50%25off"),
    ],
)
def test_path_normalisation_keeps_what_the_url_means(raw, expected):
    assert normalize_url(raw) == expected


def test_an_encoded_slash_and_a_slash_are_two_sources():
    assert normalize_url("https://example.com/a%2Fb") != normalize_url("https://example.com/a/b")


@pytest.mark.django_db
def test_a_source_with_an_encoded_slash_is_fetched_at_its_own_url(loopback_server, allow_loopback):
    loopback_server.route("/files/report%2F2023", body=b"<p>the report</p>")
    loopback_server.route("/files/report/2023", body=b"<p>another page</p>")
    source, _ = get_or_create_source(loopback_server.url("/files/report%2f2023"))

    result = fetch(source.url)

    assert result.body == b"<p>the report</p>"
    assert loopback_server.hits == {"/files/report%2F2023": 1}
