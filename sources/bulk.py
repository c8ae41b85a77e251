"""Writing the same fields of many rows at once.

Django's ``bulk_update`` builds one ``CASE WHEN pk = ... THEN ...`` expression
per field and row; for a batch of checks, compiling it cost more CPU than
fetching and reading the pages. ``update_fields`` sends one plain
``UPDATE ... FROM (VALUES ...)`` instead, every row's values a parameter.

It is one statement, not a pipeline of one per row (psycopg's
``executemany``): within a pipeline the server waits mid-statement for the
rest, where neither the idle-in-transaction timeout nor the statement
timeout applies, so a worker host cut off then would keep the rows locked
until TCP gave up on it.
"""

from django.db import connections, router

# Parameters in one statement: well under PostgreSQL's 65,535 and SQLite's 32,766.
MOST_PARAMETERS = 10_000


def update_fields(objs, fields: list[str]) -> None:
    """Write ``fields`` of each of ``objs`` (saved instances of one model) to its row."""
    if not objs:
        return
    model = type(objs[0])
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    pk = model._meta.pk
    columns = [pk, *(model._meta.get_field(name) for name in fields)]
    row = "({})".format(", ".join(_placeholder(field, connection) for field in columns))
    table = quote(model._meta.db_table)
    # VALUES names its columns column1, column2, ... on both databases; column1 is the key.
    assignments = ", ".join(f"{quote(field.column)} = v.column{n}" for n, field in enumerate(columns[1:], start=2))
    rows_per_statement = max(1, MOST_PARAMETERS // len(columns))
    with connection.cursor() as cursor:
        for start in range(0, len(objs), rows_per_statement):
            chunk = objs[start : start + rows_per_statement]
            # Only quoted names from the model's own metadata go into the text; every value is a parameter.
            sql = (
                f"UPDATE {table} SET {assignments} FROM (VALUES {', '.join([row] * len(chunk))}) AS v "  # noqa: S608
                f"WHERE {table}.{quote(pk.column)} = v.column1"
            )
            params = [
                field.get_db_prep_save(getattr(obj, field.attname), connection) for obj in chunk for field in columns
            ]
            cursor.execute(sql, params)


def _placeholder(field, connection) -> str:
    """A row's parameter for ``field``. PostgreSQL gives each column of VALUES
    one type, read from its values (text, when they are all untyped or null),
    so each is cast to its column's type; without its length, which an
    explicit cast would cut a longer value to, where assigning it is refused.
    SQLite's columns take any value."""
    if connection.vendor != "postgresql":
        return "%s"
    return f"%s::{field.db_type(connection).split('(')[0]}"
