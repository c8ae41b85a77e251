"""``manage.py suggest_claims FILE`` prints the candidates of an article and
refuses bad input with the extraction's message."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from claims.models import Claim

ARTICLE = "At least 27 people were killed and 200 injured in the shelling, local officials said.\n"


def run(*args):
    out = StringIO()
    call_command("suggest_claims", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_prints_each_candidate_with_its_figures(tmp_path):
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    printed = run(str(article))
    assert "[casualty_figure] local officials" in printed
    assert "killed all: at_least 27" in printed and "injured all: exact 200" in printed
    assert Claim.objects.count() == 0


@pytest.mark.django_db
def test_json_lines(tmp_path):
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    (line,) = run(str(article), "--json").splitlines()
    candidate = json.loads(line)
    assert candidate["claimant"] == "local officials"
    assert candidate["figures"][0] == {
        "category": "killed",
        "population": "all",
        "qualifier": "at_least",
        "low": 27,
        "high": None,
    }


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "empty"), (b"\xff\xfe\x00garbage" * 10, "not valid UTF-8"), (b"x" * 5_000_000, "more than 400,000 bytes")],
)
def test_bad_files_are_refused_with_a_message(tmp_path, content, message):
    article = tmp_path / "article.txt"
    article.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        run(str(article))


def test_a_missing_file_is_refused_with_a_message(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run(str(tmp_path / "missing.txt"))
