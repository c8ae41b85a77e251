"""Rows that a module's tests share, written once for the module."""

from contextlib import contextmanager

from django.contrib.auth.models import Group, User
from django.db import transaction
from django.test import override_settings

# The tests' password hasher (``conftest.fast_password_hashing`` says why).
FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@contextmanager
def written_for_the_module(django_db_blocker):
    """For a module-scoped fixture that writes the rows its module's tests
    share, once, as Django's ``TestCase.setUpTestData`` does: in a
    transaction rolled back after the module's last test, each test running
    in a savepoint of it (pytest-django's ``db``), so that what one test
    writes is gone for the next. The module's tests are marked ``django_db``
    (pytest-django sets up the test database only for such tests), and none
    is transactional."""
    with django_db_blocker.unblock(), transaction.atomic(), override_settings(PASSWORD_HASHERS=FAST_PASSWORD_HASHERS):
        yield
        transaction.set_rollback(True)


def member(username: str, role: str) -> User:
    """An account holding ``role``, which no one logs in with (it has no password)."""
    user = User.objects.create_user(username)
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user
