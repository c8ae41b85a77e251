"""Create the role groups, and make the claim log append-only in PostgreSQL.

The trigger refuses UPDATE and DELETE on the log table, so history cannot be
rewritten even by raw SQL or a bulk queryset call. TRUNCATE stays possible:
it is a database owner's operation, and the test runner's flush needs it. SQLite (the zero-setup
development database) gets its own trigger in migration 0008.
"""

from django.db import migrations

ROLES = ("reviewer", "editor", "admin")

TRIGGER_SQL = """
CREATE OR REPLACE FUNCTION claims_log_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'claims_claimlogentry is append-only: %% refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER claims_log_append_only
    BEFORE UPDATE OR DELETE ON claims_claimlogentry
    FOR EACH ROW EXECUTE FUNCTION claims_log_refuse_change();
"""

DROP_TRIGGER_SQL = """
DROP TRIGGER IF EXISTS claims_log_append_only ON claims_claimlogentry;
DROP FUNCTION IF EXISTS claims_log_refuse_change();
"""


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


def add_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGER_SQL)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_TRIGGER_SQL)


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(create_roles, migrations.RunPython.noop),
        migrations.RunPython(add_trigger, drop_trigger),
    ]
