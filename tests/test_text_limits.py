"""Text fields have maximum lengths, enforced alike on the pages, in the API
and in imports, with a message that says the limit (security review, defect
5: a 10 MB claim text was accepted and then served whole)."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from claims.importing import import_claims, parse_json
from claims.models import CLAIM_TEXT_MAX_LENGTH, QUOTE_MAX_LENGTH, Claim
from tests.pages import database_state, submission

pytestmark = pytest.mark.django_db

TOO_LONG_TEXT = "x" * (CLAIM_TEXT_MAX_LENGTH + 1)
TOO_LONG_QUOTE = "q" * (QUOTE_MAX_LENGTH + 1)


def _limit_message(limit, length):
    return f"Ensure this value has at most {limit} characters (it has {length})."


def test_the_submit_page_refuses_an_overlong_claim_text_and_quote(client, reviewer):
    client.force_login(reviewer)
    before = database_state()
    data = submission(
        {"text": TOO_LONG_TEXT},
        sources=[{"url": "https://example.org/a", "role": "origin", "quoted_passage": TOO_LONG_QUOTE}],
    )
    response = client.post(reverse("claims:claim_submit"), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert _limit_message(CLAIM_TEXT_MAX_LENGTH, CLAIM_TEXT_MAX_LENGTH + 1) in body
    assert _limit_message(QUOTE_MAX_LENGTH, QUOTE_MAX_LENGTH + 1) in body
    assert database_state() == before


def test_the_api_refuses_an_overlong_claim_text_and_quote(reviewer):
    api = APIClient()
    api.force_authenticate(reviewer)
    body = {
        "text": TOO_LONG_TEXT,
        "language": "en",
        "sources": [{"url": "https://example.org/a", "quoted_passage": TOO_LONG_QUOTE}],
    }
    response = api.post("/api/claims/", body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["errors"] == {
        "text": [f"Ensure this field has no more than {CLAIM_TEXT_MAX_LENGTH} characters."],
        "sources.0.quoted_passage": [f"Ensure this field has no more than {QUOTE_MAX_LENGTH} characters."],
    }
    assert not Claim.objects.exists()


def test_an_import_reports_an_overlong_claim_text_and_quote(editor):
    rows = parse_json(
        [
            {"text": TOO_LONG_TEXT, "language": "en"},
            {
                "text": "Short",
                "language": "en",
                "sources": [{"url": "https://example.org/a", "quoted_passage": TOO_LONG_QUOTE}],
            },
        ]
    )
    report = import_claims(editor, rows)
    assert not report.imported
    assert report.failed[0].errors["text"] == [_limit_message(CLAIM_TEXT_MAX_LENGTH, CLAIM_TEXT_MAX_LENGTH + 1)]
    assert report.failed[1].errors["sources[0].quoted_passage"] == [
        _limit_message(QUOTE_MAX_LENGTH, QUOTE_MAX_LENGTH + 1)
    ]
    assert not Claim.objects.exists()
