"""``claims.permissions.can``: who may do what, decided in one place."""

import pytest
from django.contrib.auth.models import AnonymousUser

from claims.choices import ClaimStatus
from claims.permissions import Action, can
from claims.workflow import change_status

pytestmark = pytest.mark.django_db


def test_anonymous_and_outsiders_see_only_published_claims(claim_factory, reviewer, editor, outsider):
    draft = claim_factory()
    published = claim_factory()
    published = change_status(published, reviewer, ClaimStatus.IN_REVIEW, expected_version=1)
    published = change_status(published, editor, ClaimStatus.SUPPORTED, rationale="Confirmed.", expected_version=2)
    for user in (AnonymousUser(), outsider):
        assert not can(user, Action.VIEW_CLAIM, draft)
        assert can(user, Action.VIEW_CLAIM, published)
        assert not can(user, Action.VIEW_INTERNAL)
        assert not can(user, Action.SUBMIT_CLAIM)


def test_members_may_submit_add_evidence_and_ask_for_checks(claim_factory, reviewer, editor, admin_user):
    claim = claim_factory()
    for user in (reviewer, editor, admin_user):
        assert can(user, Action.SUBMIT_CLAIM)
        assert can(user, Action.ADD_EVIDENCE, claim)
        assert can(user, Action.REQUEST_CHECK)


def test_only_editors_import_in_bulk(reviewer, editor, admin_user):
    assert not can(reviewer, Action.IMPORT_CLAIMS)
    assert can(editor, Action.IMPORT_CLAIMS)
    assert can(admin_user, Action.IMPORT_CLAIMS)


def test_submitter_and_editors_may_edit_an_open_claim(claim_factory, reviewer, other_reviewer, editor):
    claim = claim_factory(submitter=reviewer)
    assert can(reviewer, Action.EDIT_CLAIM, claim)
    assert can(editor, Action.EDIT_CLAIM, claim)
    assert not can(other_reviewer, Action.EDIT_CLAIM, claim)


def test_nothing_can_be_added_to_a_withdrawn_claim(claim_factory, reviewer, editor):
    claim = claim_factory(submitter=reviewer)
    claim = change_status(claim, reviewer, ClaimStatus.WITHDRAWN, rationale="Duplicate.", expected_version=1)
    assert not can(editor, Action.ADD_EVIDENCE, claim)
    assert not can(editor, Action.LINK_SOURCE, claim)


def test_an_inactive_account_has_no_rights(claim_factory, reviewer):
    claim = claim_factory()
    reviewer.is_active = False
    reviewer._tracker_roles = None
    assert not can(reviewer, Action.VIEW_INTERNAL)
    assert not can(reviewer, Action.CHANGE_STATUS, claim)
