"""Transactions that write at the same time (a page saving a claim while the
worker records a check) wait for each other instead of failing, on SQLite,
the zero-setup default, as on PostgreSQL."""

import threading
import time

import pytest
from django.db import connection, transaction

from claims.models import Actor

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_two_transactions_that_read_then_write_both_commit():
    errors = []

    def read_then_write(name):
        try:
            with transaction.atomic():
                Actor.objects.filter(name=name).exists()  # a look first, as services do
                time.sleep(0.3)  # the other transaction reads meanwhile
                Actor.objects.create(name=name)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=read_then_write, args=(name,)) for name in ("Local Armenians", "MoD")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert set(Actor.objects.values_list("name", flat=True)) == {"Local Armenians", "MoD"}
