"""Make the claim log append-only on SQLite too, as far as SQLite allows.

PostgreSQL's trigger (migration 0002) refuses UPDATE and DELETE. SQLite, the
zero-setup default, gets a trigger that refuses UPDATE, so an entry cannot be
rewritten by raw SQL either. DELETE stays with the model and queryset guards
there: SQLite has no TRUNCATE, and emptying the database (``manage.py flush``,
the test runner between tests) deletes every row, which a refusing trigger
would stop. SQLite drops a table's triggers when a later migration rebuilds
the table; the suite's raw-SQL test, run on SQLite, would then fail.
"""

from django.db import migrations

TRIGGER_SQL = """
CREATE TRIGGER IF NOT EXISTS claims_log_append_only
BEFORE UPDATE ON claims_claimlogentry
BEGIN
    SELECT RAISE(ABORT, 'claims_claimlogentry is append-only: UPDATE refused');
END;
"""


def add_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(TRIGGER_SQL)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS claims_log_append_only")


class Migration(migrations.Migration):
    dependencies = [("claims", "0007_log_source_withdrawn")]

    operations = [migrations.RunPython(add_trigger, drop_trigger)]
