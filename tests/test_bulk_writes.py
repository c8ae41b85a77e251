"""``sources.bulk.update_fields``: a batch's rows are written in statements
that each reach the database whole. A pipeline of statements (psycopg's
``executemany``) leaves the server mid-statement while it waits for the rest
of the batch, where neither the idle-in-transaction timeout nor the statement
timeout applies: a worker host cut off then keeps the batch's rows locked
until TCP gives up on it (the multi-host test saw live workers stall on them
for over a minute)."""

from datetime import timedelta

import pytest
from django.db import DataError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sources import bulk
from sources.models import SourceCheck
from sources.services import get_or_create_source

pytestmark = pytest.mark.django_db

FIELDS = ["outcome", "http_status", "redirect_chain", "title", "finished_at", "went_away", "bytes"]


def started_checks(count: int) -> list[SourceCheck]:
    now = timezone.now()
    return [
        SourceCheck.objects.create(
            source=get_or_create_source(f"https://news.example.org/report-{n}")[0], requested_at=now, started_at=now
        )
        for n in range(count)
    ]


def statements_of(write) -> list[bool]:
    """Whether each statement ``write`` sent to the database was a pipeline of many (``executemany``)."""
    sent = []

    def record(execute, sql, params, many, context):
        sent.append(many)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        write()
    return sent


def test_a_batch_is_written_in_one_statement_and_never_as_a_pipeline():
    checks = started_checks(30)
    for check in checks:
        check.outcome = "ok"
    assert statements_of(lambda: bulk.update_fields(checks, FIELDS)) == [False]


def test_a_batch_larger_than_a_statement_holds_is_written_in_several(monkeypatch):
    monkeypatch.setattr(bulk, "MOST_PARAMETERS", 3 * (len(FIELDS) + 1))
    checks = started_checks(7)
    for check in checks:
        check.outcome = "ok"
    assert statements_of(lambda: bulk.update_fields(checks, FIELDS)) == [False, False, False]
    assert set(SourceCheck.objects.values_list("outcome", flat=True)) == {"ok"}


def test_each_row_gets_its_own_values_whatever_their_types():
    checks = started_checks(3)
    finished = timezone.now() + timedelta(minutes=5)
    values = [
        # The first row's nulls must not decide a column's type for the rows after it.
        dict(outcome="timeout", http_status=None, redirect_chain=[], title="", finished_at=None, went_away=False),
        dict(
            outcome="ok",
            http_status=200,
            redirect_chain=[{"url": "https://news.example.org/a", "status": 301}],
            title="伤亡人数 'quoted' %s",
            finished_at=finished,
            went_away=True,
            bytes=6_000_000_000,
        ),
        dict(outcome="not_found", http_status=404, redirect_chain=[], title="Report", finished_at=finished),
    ]
    for check, fields in zip(checks, values, strict=True):
        for name, value in fields.items():
            setattr(check, name, value)
    bulk.update_fields(checks, FIELDS)
    stored = {check.pk: check for check in SourceCheck.objects.filter(pk__in=[check.pk for check in checks])}
    for check, fields in zip(checks, values, strict=True):
        for name, value in fields.items():
            assert getattr(stored[check.pk], name) == value, name
    untouched = SourceCheck.objects.filter(pk__in=[check.pk for check in checks]).values_list("bytes", flat=True)
    assert sorted(untouched, key=str) == sorted([None, None, 6_000_000_000], key=str)


@pytest.mark.postgresql
def test_a_value_too_long_for_its_column_is_refused_not_cut_short():
    (check,) = started_checks(1)
    check.title = "x" * 501  # the column holds 500
    with pytest.raises(DataError), transaction.atomic():
        bulk.update_fields([check], ["title"])
    assert SourceCheck.objects.get(pk=check.pk).title == ""


def test_a_batch_is_logged_as_django_logs_its_own_statements():
    checks = started_checks(2)
    for check in checks:
        check.outcome = "ok"
    with CaptureQueriesContext(connection) as queries:
        bulk.update_fields(checks, FIELDS)
    (statement,) = queries.captured_queries
    assert statement["sql"].startswith(f"UPDATE {connection.ops.quote_name(SourceCheck._meta.db_table)} SET")
