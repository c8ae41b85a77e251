"""Withdrawing evidence from the claim page: offered to its author and to
editors only, and the withdrawn item stays on the page, marked."""

import pytest

from claims.choices import Stance
from claims.services import add_evidence

pytestmark = pytest.mark.django_db


@pytest.fixture
def evidence(claim_factory, reviewer):
    claim = claim_factory()
    return add_evidence(claim, reviewer, stance=Stance.REFUTES, source_url="https://example.org/denial")


def withdraw_forms(client, user, evidence):
    client.force_login(user)
    html = client.get(evidence.claim.get_absolute_url()).content.decode()
    return html.count(f"/evidence/{evidence.pk}/withdraw/")


def test_the_author_and_editors_are_offered_withdrawal(client, evidence, reviewer, editor, other_reviewer):
    assert withdraw_forms(client, reviewer, evidence) == 1
    assert withdraw_forms(client, editor, evidence) == 1
    assert withdraw_forms(client, other_reviewer, evidence) == 0


def test_withdrawn_evidence_stays_on_the_page_marked(client, evidence, reviewer):
    client.force_login(reviewer)
    response = client.post(f"{evidence.claim.get_absolute_url()}evidence/{evidence.pk}/withdraw/", {"reason": "Dup"})
    assert response.status_code == 302
    html = client.get(evidence.claim.get_absolute_url()).content.decode()
    assert "withdrawn" in html
    assert "example.org/denial" in html
    assert withdraw_forms(client, reviewer, evidence) == 0


def test_an_evidence_file_is_downloaded_by_members_only(client, claim_factory, reviewer, outsider, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    claim = claim_factory()
    pdf = b"%PDF-1.4 hospital list"
    item = add_evidence(claim, reviewer, stance=Stance.REFUTES, file=SimpleUploadedFile("list.pdf", pdf))
    url = f"{claim.get_absolute_url()}evidence/{item.pk}/file/"

    assert client.get(url).status_code == 302  # anonymous: to the log-in
    client.force_login(outsider)
    assert client.get(url).status_code == 403
    client.force_login(reviewer)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf
    assert response["Content-Type"] == "application/pdf"
