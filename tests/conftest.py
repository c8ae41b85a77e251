"""Shared fixtures: users in each role and a factory for claims.

The suite runs on PostgreSQL only; a run pointed at another database stops
at once instead of passing on the wrong engine.
"""

import itertools

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.db import connection

from claims.choices import ClaimKind, Language, Role
from claims.services import SourceLinkData, submit_claim

# Fixture modules: the loopback HTTP server, the browser, the Celery worker, the web process,
# warcio check over all archives.
pytest_plugins = ["tests.loopback", "tests.browser", "tests.celery_worker", "tests.web_process", "tests.warc_check"]

_counter = itertools.count(1)


@pytest.fixture(autouse=True, scope="session")
def _require_postgresql(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        assert connection.vendor == "postgresql", "The test suite runs on PostgreSQL: set DATABASE_URL."


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The API's throttle counters live in the cache: each test starts clean."""
    cache.clear()


@pytest.fixture
def make_user(db):
    """Create a user holding ``role`` (a ``Role`` or ``None`` for no role)."""

    def make(role=None, *, username=None, password="correct horse battery staple"):
        user = User.objects.create_user(username or f"user{next(_counter)}", password=password)
        if role is not None:
            user.groups.add(Group.objects.get_or_create(name=role)[0])  # a transactional test may have flushed it
        user.raw_password = password
        return user

    return make


@pytest.fixture
def reviewer(make_user):
    return make_user(Role.REVIEWER, username="reviewer")


@pytest.fixture
def other_reviewer(make_user):
    return make_user(Role.REVIEWER, username="other_reviewer")


@pytest.fixture
def editor(make_user):
    return make_user(Role.EDITOR, username="editor")


@pytest.fixture
def other_editor(make_user):
    return make_user(Role.EDITOR, username="other_editor")


@pytest.fixture
def admin_user(make_user):
    return make_user(Role.ADMIN, username="admin_role")


@pytest.fixture
def outsider(make_user):
    """A logged-in account that holds no role of the tracker."""
    return make_user(None, username="outsider")


@pytest.fixture
def claim_factory(reviewer):
    """Submit a claim through the service layer, as a reviewer would."""

    def make(*, submitter=None, text=None, sources=(), figures=(), **fields):
        fields.setdefault("language", Language.EN)
        fields.setdefault("kind", ClaimKind.STATEMENT)
        return submit_claim(
            submitter or reviewer,
            fields={"text": text or f"Claim number {next(_counter)}", **fields},
            figures=figures,
            sources=[s if isinstance(s, SourceLinkData) else SourceLinkData(url=s) for s in sources],
        )

    return make
