"""The timeline says each kind of log entry in words, in the page's
language, with an edit's old and new values side by side; never a raw
structure."""

import pytest
from django.utils import translation

from claims.choices import ClaimStatus, LogAction
from claims.log_wording import HEADLINES, describe
from claims.models import ClaimLogEntry
from claims.services import (
    SourceLinkData,
    add_evidence,
    assign_claim,
    edit_claim,
    link_source,
    withdraw_evidence,
    withdraw_source_link,
)
from claims.workflow import change_status

pytestmark = pytest.mark.django_db


def _last(claim, action):
    return describe(ClaimLogEntry.objects.filter(claim=claim, action=action).latest("id"))


def test_every_action_of_the_log_has_its_wording():
    assert set(HEADLINES) == set(LogAction)


def test_submitted(claim_factory):
    assert _last(claim_factory(), LogAction.CREATED).headline == "Submitted the claim"


def test_an_edit_says_each_field_with_its_old_and_new_value(claim_factory, reviewer):
    claim = claim_factory(text="Twelve killed", figures=[{"category": "killed", "qualifier": "exact", "low": 12}])
    edit_claim(
        claim,
        reviewer,
        expected_version=claim.version,
        fields={"text": "Twenty-seven killed", "language": "ru", "claimant_name": "Ministry of Health"},
        figures=[{"category": "killed", "population": "civilians", "qualifier": "at_least", "low": 27}],
    )
    wording = _last(claim, LogAction.EDITED)
    assert wording.headline == "Edited the claim"
    changes = {change.label: (change.old, change.new) for change in wording.changes}
    assert changes["Text changed"] == ("Twelve killed", "Twenty-seven killed")
    assert changes["Language changed"] == ("English", "Russian")
    assert changes["Claimant changed"] == ("—", "Ministry of Health")
    assert changes["Casualty figures changed"] == ("12 killed (all)", "≥ 27 killed (civilians)")


def test_an_edit_in_chinese(claim_factory, reviewer):
    claim = claim_factory(text="Twelve killed")
    edit_claim(claim, reviewer, expected_version=claim.version, fields={"text": "Thirteen killed"})
    with translation.override("zh-hans"):
        wording = _last(claim, LogAction.EDITED)
    assert wording.headline != "Edited the claim"
    assert wording.changes[0].label != "Text changed"
    assert (wording.changes[0].old, wording.changes[0].new) == ("Twelve killed", "Thirteen killed")


def test_status_changed(claim_factory, reviewer):
    claim = claim_factory()
    change_status(claim, reviewer, ClaimStatus.IN_REVIEW, expected_version=claim.version)
    assert _last(claim, LogAction.STATUS_CHANGED).headline == "Status changed: Unverified → In review"


def test_source_linked_and_withdrawn(claim_factory, reviewer):
    claim = claim_factory()
    link = link_source(claim, reviewer, SourceLinkData(url="https://news.example.org/a", role="repetition"))
    wording = _last(claim, LogAction.SOURCE_LINKED)
    assert (wording.headline, wording.detail) == ("Source linked as repetition", "https://news.example.org/a")
    withdraw_source_link(link, reviewer, reason="A copy")
    wording = _last(claim, LogAction.SOURCE_WITHDRAWN)
    assert (wording.headline, wording.detail) == ("Source withdrawn", "https://news.example.org/a")


def test_evidence_added_and_withdrawn(claim_factory, reviewer):
    claim = claim_factory()
    evidence = add_evidence(claim, reviewer, stance="refutes", source_url="https://news.example.org/b")
    assert _last(claim, LogAction.EVIDENCE_ADDED).headline == "Evidence added: refutes"
    withdraw_evidence(evidence, reviewer, reason="Wrong article")
    assert _last(claim, LogAction.EVIDENCE_WITHDRAWN).headline == "Evidence withdrawn"


def test_assigned_and_released(claim_factory, reviewer):
    claim = assign_claim(claim_factory(), reviewer, reviewer)
    assert _last(claim, LogAction.ASSIGNED).headline == "Assigned to reviewer"
    assign_claim(claim, reviewer, None)
    assert _last(claim, LogAction.ASSIGNED).headline == "No longer assigned (was reviewer)"


def test_the_page_shows_the_words_not_the_structure(client, claim_factory, reviewer):
    claim = claim_factory(text="Twelve killed")
    edit_claim(claim, reviewer, expected_version=claim.version, fields={"text": "Thirteen killed"})
    client.force_login(reviewer)
    page = client.get(claim.get_absolute_url()).content.decode()
    assert "Text changed" in page
    assert "{&#x27;text&#x27;" not in page and "{'text'" not in page
