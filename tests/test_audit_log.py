"""The claim log is append-only: no user, query or raw SQL can change it."""

import pytest
from django.db import DatabaseError, connection, transaction

from claims.choices import ClaimStatus, LogAction
from claims.models import Claim, ClaimLogEntry
from claims.workflow import change_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(claim_factory, reviewer):
    claim = claim_factory()
    change_status(claim, reviewer, ClaimStatus.IN_REVIEW, expected_version=claim.version)
    return ClaimLogEntry.objects.get(claim=claim, action=LogAction.STATUS_CHANGED)


def test_saving_an_existing_entry_fails(entry):
    entry.rationale = "rewritten"
    with pytest.raises(PermissionError):
        entry.save()
    entry.refresh_from_db()
    assert entry.rationale == ""


def test_deleting_an_entry_fails(entry):
    with pytest.raises(PermissionError):
        entry.delete()
    assert ClaimLogEntry.objects.filter(pk=entry.pk).exists()


def test_bulk_update_and_delete_fail(entry):
    with pytest.raises(PermissionError):
        ClaimLogEntry.objects.filter(pk=entry.pk).update(rationale="rewritten")
    with pytest.raises(PermissionError):
        ClaimLogEntry.objects.filter(pk=entry.pk).delete()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE claims_claimlogentry SET rationale = 'rewritten' WHERE id = %s",
        # SQLite's trigger refuses updates only (claims/migrations/0008).
        pytest.param("DELETE FROM claims_claimlogentry WHERE id = %s", marks=pytest.mark.postgresql),
    ],
)
def test_the_database_refuses_raw_sql_changes(entry, sql):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [entry.pk])
    entry.refresh_from_db()
    assert entry.rationale == ""


def test_claims_are_never_deleted(claim_factory):
    claim = claim_factory()
    with pytest.raises(PermissionError):
        claim.delete()
    assert Claim.objects.filter(pk=claim.pk).exists()


def test_submitting_a_claim_logs_it(claim_factory, reviewer):
    claim = claim_factory(sources=["https://example.org/report"])
    actions = list(claim.log.values_list("action", "actor"))
    assert actions == [(LogAction.CREATED, reviewer.pk), (LogAction.SOURCE_LINKED, reviewer.pk)]
