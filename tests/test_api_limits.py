"""What one request may make the server do is bounded: a JSON body's size
and nesting, the length of a claim's lists, and the time of each database
statement. Each refusal names its limit, before any work is done."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from rest_framework.test import APIClient

from claims.api.serializers import ITEMS_PER_CLAIM
from claims.models import Claim

pytestmark = pytest.mark.django_db

FIGURE = {"category": "killed", "population": "all", "qualifier": "at_least", "low": 27}
PRESENCE_PLACE = "Stepanakert"


@pytest.fixture
def client(reviewer):
    # As in production: an exception would be a 500, not raised into the test.
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(reviewer)
    return client


def _post_json(client, body: str, path="/api/claims/"):
    return client.generic("POST", path, body, content_type="application/json")


def _claim(**lists):
    return {"text": "27 killed", "language": "en", "kind": "casualty_figure", **lists}


@pytest.mark.timeout(60)  # before the cap, this request kept a server process busy for 14 minutes
def test_a_body_over_the_cap_is_413_before_it_is_read(client):
    body = json.dumps(_claim(casualty_figures=[FIGURE] * 200_000))
    assert len(body) > 12_000_000

    started = time.monotonic()
    response = _post_json(client, body)

    assert time.monotonic() - started < 5
    assert response.status_code == 413, response.content
    answer = response.json()
    assert answer["code"] == "too_large"
    assert answer["detail"] == "The request body is over the limit of 2 MB (2097152 bytes)."
    assert not Claim.objects.exists()


@pytest.mark.parametrize("field", ["casualty_figures", "troop_presences", "sources"])
def test_a_list_longer_than_the_limit_is_400_naming_it(client, field):
    item = {
        "casualty_figures": FIGURE,
        "troop_presences": {"force": 1, "place": 1, "presence": "present"},
        "sources": {"url": "https://example.org/a"},
    }[field]
    response = client.post("/api/claims/", _claim(**{field: [item] * (ITEMS_PER_CLAIM + 1)}), format="json")

    assert response.status_code == 400, response.content
    assert response.json()["errors"][field] == [f"Ensure this field has no more than {ITEMS_PER_CLAIM} elements."]
    assert not Claim.objects.exists()


def test_figures_up_to_the_limit_are_taken(client):
    response = client.post("/api/claims/", _claim(casualty_figures=[FIGURE] * ITEMS_PER_CLAIM), format="json")
    assert response.status_code == 201, response.content
    assert len(response.json()["casualty_figures"]) == ITEMS_PER_CLAIM


def test_an_edit_with_too_many_figures_is_400(client, claim_factory, reviewer):
    claim = claim_factory(submitter=reviewer)
    response = client.patch(
        f"/api/claims/{claim.pk}/",
        {"version": claim.version, "casualty_figures": [FIGURE] * (ITEMS_PER_CLAIM + 1)},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert "casualty_figures" in response.json()["errors"]


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("[" * 1000 + "]" * 1000, id="a list in lists"),
        pytest.param('{"text": ' + "[" * 1000 + "]" * 1000 + ', "language": "en"}', id="in a field"),
        pytest.param('{"casualty_figures": [' + '{"a": ' * 1000 + "1" + "}" * 1000 + "]}", id="objects in a list"),
        # Brackets inside strings are text, not nesting.
        pytest.param(
            '{"text": "' + "[" * 1000 + '", "casualty_figures": ' + "[" * 21 + "]" * 21 + "}", id="past a string"
        ),
    ],
)
def test_json_nested_too_deep_is_400_naming_the_limit(client, body):
    response = _post_json(client, body)

    assert response.status_code == 400, response.content
    answer = response.json()
    assert answer["code"] == "parse_error"
    assert "nested more than" in answer["detail"]
    assert not Claim.objects.exists()


def test_brackets_in_strings_do_not_count_as_nesting(client):
    text = "[{" * 500 + ' \\" ]]]]'
    response = _post_json(client, json.dumps(_claim(text=text)))
    assert response.status_code == 201, response.content
    assert Claim.objects.get().text == text


def test_nan_is_refused_as_json(client):
    response = _post_json(client, '{"text": "x", "language": "en", "casualty_figures": [{"low": NaN}]}')
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


@pytest.mark.postgresql
def test_database_statements_have_a_time_limit():
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == f"{settings.DATABASE_STATEMENT_TIMEOUT}s"


def test_a_form_encoded_body_over_the_cap_is_413(client, settings):
    settings.API_MAX_BODY_BYTES = 1000
    body = "text=" + "x" * 2000 + "&language=en"
    response = client.generic("POST", "/api/claims/", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413, response.content
    assert "1000 bytes" in response.json()["detail"]


def test_the_sqlite_default_starts_without_the_postgresql_timeout(tmp_path):
    script = "from django.db import connection; connection.cursor().execute('SELECT 1'); print(connection.vendor)"
    environment = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", script],
        cwd=Path(__file__).resolve().parent.parent,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "sqlite"
