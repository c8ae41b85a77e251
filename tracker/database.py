"""Which path the code takes on the database in use: the one place that asks.

PostgreSQL is the production database; SQLite is the zero-setup default of
``bin/run``. Everything the app offers works on both, and nearly all of it is
written once for both (a source's last good check, for one, is a subquery per
source rather than PostgreSQL's ``DISTINCT ON``). Where PostgreSQL has a tool
that SQLite lacks, the code asks here which path to take:

- Claim search matches the stored search tokens with PostgreSQL full-text
  search, on a vector column that PostgreSQL computes and a GIN index serves
  (``claims/search.py``, migrations ``claims/0004`` and ``claims/0020``);
  elsewhere the same tokens are matched by containment, a scan that a
  development database can afford.
- A statement timeout for one transaction (the health check's): PostgreSQL
  cuts off a statement that runs longer; SQLite, a local file, has none.

Schema that only one database can hold is chosen in its migration, which is
history and must not change with this module: the claim log's trigger
(``claims/0002`` on PostgreSQL; ``claims/0008`` on SQLite, which refuses
updates only) and the search vector and its index (``claims/0004``,
``claims/0020``, PostgreSQL only). How SQLite is opened (write lock taken
when a transaction begins, WAL) is in ``tracker/settings.py``.
"""

from django.db import DEFAULT_DB_ALIAS, connections


def has_full_text_search(using: str) -> bool:
    """Whether the database behind ``using`` searches claims by full-text search."""
    return connections[using].vendor == "postgresql"


def limit_statements_of_this_transaction(seconds: float, using: str = DEFAULT_DB_ALIAS) -> None:
    """Cut off any statement of the current transaction that runs longer than
    ``seconds`` (0: no limit), where the database can (PostgreSQL); call
    inside ``atomic()``."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL statement_timeout = %s", [int(seconds * 1000)])
