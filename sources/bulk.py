"""Writing the same fields of many rows at once.

Django's ``bulk_update`` builds one ``CASE WHEN pk = ... THEN ...`` expression
per field and row; for a batch of checks, compiling it cost more CPU than
fetching and reading the pages. ``update_fields`` sends one plain,
parametrised ``UPDATE`` per row instead, all in a single ``executemany``,
which psycopg pipelines into one round trip.
"""

from django.db import connections, router


def update_fields(objs, fields: list[str]) -> None:
    """Write ``fields`` of each of ``objs`` (saved instances of one model) to its row."""
    if not objs:
        return
    model = type(objs[0])
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    columns = [model._meta.get_field(name) for name in fields]
    # Only quoted names from the model's own metadata go into the text; every value is a parameter.
    sql = "UPDATE {table} SET {assignments} WHERE {pk} = %s".format(  # noqa: S608
        table=quote(model._meta.db_table),
        assignments=", ".join(f"{quote(field.column)} = %s" for field in columns),
        pk=quote(model._meta.pk.column),
    )
    rows = [
        [field.get_db_prep_save(getattr(obj, field.attname), connection) for field in columns] + [obj.pk]
        for obj in objs
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
