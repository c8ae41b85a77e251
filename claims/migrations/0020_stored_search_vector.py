"""The claims' search vector stored by PostgreSQL, and the GIN index on it.

A search lists its matches newest first. For a word that many claims hold,
the planner walks the index on the claims' time and tests each claim until a
page is full; computing each claim's vector from its tokens to test it made a
word held by one claim in 400 take 220-380 ms at 1,000,000 claims, and
reading the vector stored takes 21 ms. PostgreSQL computes the column from
``search_tokens`` (``claims.search`` reads it; no code writes it), and the
index moves to it under its old name. The model does not declare the column:
SQLite, which searches by scanning, has nothing to compute it with, and the
operations do nothing there.
"""

from django.db import migrations

from tracker.database import limit_statements_of_this_transaction

ADD = [
    "ALTER TABLE claims_claim ADD COLUMN search_vector tsvector GENERATED ALWAYS AS "
    "(to_tsvector('simple'::regconfig, COALESCE(search_tokens, ''))) STORED",
    "DROP INDEX IF EXISTS claims_claim_search_gin",
    "CREATE INDEX claims_claim_search_gin ON claims_claim USING gin (search_vector)",
]
REMOVE = [
    "ALTER TABLE claims_claim DROP COLUMN IF EXISTS search_vector",
    "CREATE INDEX IF NOT EXISTS claims_claim_search_gin ON claims_claim "
    "USING gin (to_tsvector('simple'::regconfig, COALESCE(search_tokens, '')))",
]


def run(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            # Rewriting every claim takes longer than the site's statement timeout.
            limit_statements_of_this_transaction(0, schema_editor.connection.alias)
            for statement in statements:
                schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [("claims", "0019_status_created_index")]

    operations = [migrations.RunPython(run(ADD), run(REMOVE))]
