"""Shared fixtures: users in each role and a factory for claims.

The suite runs on PostgreSQL with Redis (production's parts) and, for every
test not about those two, on SQLite with kombu's filesystem broker (what
``bin/run`` falls back to with no setup): ``bin/test`` runs both passes.
Tests marked ``postgresql`` or ``redis`` need that part and are deselected
where it is not the one configured.
"""

import itertools

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.utils import translation
from rest_framework.test import APIClient

from accounts.roles import Role
from claims.choices import ClaimKind, Language
from claims.services import SourceLinkData, submit_claim
from tests.written_once import FAST_PASSWORD_HASHERS

# Fixture modules: the loopback HTTP server, the browser, the Celery worker, the web process,
# warcio check over all archives, the S3-compatible object store.
pytest_plugins = [
    "tests.loopback",
    "tests.browser",
    "tests.celery_worker",
    "tests.web_process",
    "tests.warc_check",
    "tests.object_store",
]

_counter = itertools.count(1)


# pytest-django's fixtures that open the test database to a test.
_DATABASE_FIXTURES = {
    "db",
    "transactional_db",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
    "live_server",
}


@pytest.hookimpl(tryfirst=True)  # before ``-m`` selects by the marks given here
def pytest_collection_modifyitems(config, items):
    """Mark the tests that drive the browser ``browser`` and those that use
    the database ``database``, and leave out the tests that need a part this
    run is not configured with."""
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if "browser" in fixtures:
            item.add_marker(pytest.mark.browser)
        if item.get_closest_marker("django_db") or fixtures & _DATABASE_FIXTURES:
            item.add_marker(pytest.mark.database)
        _restore_migrated_rows_after(item, fixtures)
    missing = set()
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        missing.add("postgresql")
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        missing.add("redis")
    kept, left_out = [], []
    for item in items:
        (left_out if missing & {mark.name for mark in item.iter_markers()} else kept).append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept


def _restore_migrated_rows_after(item, fixtures):
    """Every transactional test ends with the migrated rows (the roles'
    groups, their permissions) put back, not merely flushed: a plain flush
    sends post_migrate, whose handler (claims.apps) makes the admin group
    again under a new id, and the next test that restores the rows then
    fails on the group's unique name."""
    marker = item.get_closest_marker("django_db")
    kwargs = dict(marker.kwargs) if marker else {}
    transactional = kwargs.get("transaction") or fixtures & {"transactional_db", "live_server"}
    if transactional and not kwargs.get("serialized_rollback"):
        restoring = pytest.mark.django_db(**{**kwargs, "transaction": True, "serialized_rollback": True})
        item.add_marker(restoring, append=False)  # first, so that it is the marker pytest-django reads


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite, a test database in a file rather than in memory, so that a
    Celery worker or web process started by a test opens the same database."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("database") / "test.sqlite3")


@pytest.fixture(autouse=True)
def _loopback_is_many_hosts(settings):
    """The loopback server stands for every outlet the tests fetch from, so
    the per-host limits (sources/politeness.py) are lifted here; the tests
    of those limits set their own."""
    settings.FETCH_HOST_CONCURRENCY = 1000
    settings.FETCH_HOST_RATE = "1000000/second"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The API's throttle counters live in the cache: each test starts clean."""
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language_after():
    """A page asked for in Chinese leaves Chinese active in this thread (the
    locale middleware activates a language per request and leaves it): the
    next test starts in the default language again."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Tests create accounts by the hundred, and log in with them; the
    production hasher's deliberate slowness (a third of a second a password
    on this machine) would be much of the suite's time. Which hasher
    production uses is Django's default, which these tests do not change."""
    settings.PASSWORD_HASHERS = FAST_PASSWORD_HASHERS


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
def reviewer_api(reviewer):
    """An API client signed in as ``reviewer``."""
    client = APIClient()
    client.force_authenticate(reviewer)
    return client


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
