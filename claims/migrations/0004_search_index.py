"""A GIN index for claim search on PostgreSQL.

The expression is exactly what ``claims.search.search_claims`` filters on
(``SearchVector("search_tokens", config="simple")``), so the planner uses it.
SQLite, the zero-setup development database, has no such index and searches
by scanning; the operation does nothing there.
"""

from django.db import migrations

INDEX_SQL = (
    "CREATE INDEX IF NOT EXISTS claims_claim_search_gin ON claims_claim "
    "USING gin (to_tsvector('simple'::regconfig, COALESCE(search_tokens, '')))"
)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INDEX_SQL)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS claims_claim_search_gin")


class Migration(migrations.Migration):
    dependencies = [("claims", "0003_quote_match_not_applicable")]

    operations = [migrations.RunPython(create_index, drop_index)]
