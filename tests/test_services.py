"""The shared write paths: linking sources, editing with versions, evidence."""

import io

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from accounts.roles import Role
from claims.choices import ClaimStatus, LogAction, Stance
from claims.exceptions import StaleVersion
from claims.models import ClaimLogEntry, Evidence
from claims.services import SourceLinkData, add_evidence, edit_claim, link_source, withdraw_evidence
from claims.workflow import change_status
from sources.models import Source

pytestmark = pytest.mark.django_db


def test_a_known_url_links_the_existing_source(claim_factory, reviewer):
    first = claim_factory(sources=["https://news.example/story?utm_medium=x"])
    second = claim_factory(sources=["https://NEWS.example/story"])
    assert Source.objects.count() == 1
    assert first.source_links.get().source == second.source_links.get().source


def test_linking_records_the_check_request(claim_factory):
    claim = claim_factory(sources=["https://news.example/story"])
    assert claim.source_links.get().source.check_requested_at is not None


def test_linking_the_same_source_twice_keeps_one_link(claim_factory, reviewer):
    claim = claim_factory(sources=["https://news.example/story"])
    link_source(claim, reviewer, SourceLinkData(url="https://news.example/story#comments"))
    assert claim.source_links.count() == 1


def test_edit_bumps_the_version_and_logs_the_change(claim_factory, reviewer):
    claim = claim_factory(text="Six killed")
    claim = edit_claim(claim, reviewer, expected_version=1, fields={"text": "At least six killed"})
    assert (claim.text, claim.version) == ("At least six killed", 2)
    entry = ClaimLogEntry.objects.get(claim=claim, action=LogAction.EDITED)
    assert entry.changes == {"text": ["Six killed", "At least six killed"]}


def test_an_edit_based_on_a_stale_version_is_refused(claim_factory, reviewer, editor):
    claim = claim_factory(text="Six killed")
    edit_claim(claim, editor, expected_version=1, fields={"text": "Six soldiers killed"})
    with pytest.raises(StaleVersion) as stale:
        edit_claim(claim, reviewer, expected_version=1, fields={"text": "Seven killed"})
    assert stale.value.current == 2
    claim.refresh_from_db()
    assert claim.text == "Six soldiers killed"


def test_another_reviewer_may_not_edit_a_claim(claim_factory, other_reviewer):
    claim = claim_factory()
    with pytest.raises(PermissionDenied):
        edit_claim(claim, other_reviewer, expected_version=1, fields={"text": "Changed"})


def test_a_claim_with_a_verdict_cannot_be_edited(claim_factory, reviewer, editor):
    claim = claim_factory()
    claim = change_status(claim, reviewer, ClaimStatus.IN_REVIEW, expected_version=1)
    claim = change_status(claim, editor, ClaimStatus.REFUTED, rationale="Footage.", expected_version=2)
    with pytest.raises(PermissionDenied):
        edit_claim(claim, editor, expected_version=claim.version, fields={"text": "Changed"})


def test_evidence_needs_a_source_or_a_file(claim_factory, reviewer):
    claim = claim_factory()
    with pytest.raises(ValidationError) as raised:
        add_evidence(claim, reviewer, stance=Stance.REFUTES, note="Trust me")
    assert "Give a source URL, a file, or both." in str(raised.value)
    assert not Evidence.objects.exists()


def test_evidence_file_is_checked_by_content(claim_factory, reviewer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    claim = claim_factory()
    fake_png = SimpleUploadedFile("photo.png", b"<html><script>alert(1)</script></html>")
    with pytest.raises(ValidationError, match="does not look like"):
        add_evidence(claim, reviewer, stance=Stance.REFUTES, file=fake_png)
    png = SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32)
    evidence = add_evidence(claim, reviewer, stance=Stance.REFUTES, file=png)
    assert (evidence.file_content_type, evidence.file_size) == ("image/png", 40)


def test_evidence_file_over_the_limit_is_refused(claim_factory, reviewer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 10
    big = SimpleUploadedFile("notes.txt", b"x" * 11)
    with pytest.raises(ValidationError, match="the limit is 10 bytes"):
        add_evidence(claim_factory(), reviewer, stance=Stance.CONTEXT, file=big)


def test_evidence_is_withdrawn_not_deleted(claim_factory, reviewer):
    claim = claim_factory()
    evidence = add_evidence(claim, reviewer, stance=Stance.SUPPORTS, source_url="https://ngo.example/report")
    withdraw_evidence(evidence, reviewer, reason="Wrong report")
    evidence.refresh_from_db()
    assert evidence.withdrawn_at is not None
    with pytest.raises(PermissionError):
        evidence.delete()


def test_create_user_command_puts_the_user_in_the_role(db):
    call_command("create_user", "desk", role=Role.EDITOR, password="long enough passphrase 42", stdout=io.StringIO())
    user = User.objects.get(username="desk")
    assert list(user.groups.values_list("name", flat=True)) == [Role.EDITOR]
    assert user.check_password("long enough passphrase 42")


def test_create_user_command_refuses_a_weak_password(db):
    with pytest.raises(CommandError, match="too short"):
        call_command("create_user", "desk", role=Role.REVIEWER, password="abc", stdout=io.StringIO())
    assert not User.objects.filter(username="desk").exists()
