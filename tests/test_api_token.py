"""API token authentication reads the caller's roles with the token: the
roles it finds are the ones ``accounts.roles`` gives, in one query. Keys of
DRF's former tokens, carried over by ``accounts/migrations/0002``, still
open the API."""

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.authentication import TokenWithRolesAuthentication
from accounts.roles import Role
from accounts.tokens import issue

pytestmark = pytest.mark.django_db


def token_client(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue(user, 'tests')[1]}")
    return client


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.REVIEWER, ["reviewer"]),
        (Role.EDITOR, ["editor", "reviewer"]),
        (Role.ADMIN, ["admin", "editor", "reviewer"]),
        (None, []),
    ],
)
def test_roles_come_with_the_token(make_user, role, expected):
    response = token_client(make_user(role)).get("/api/me/")

    assert response.status_code == 200
    assert response.json()["roles"] == expected


def test_groups_that_are_not_roles_are_ignored(make_user):
    user = make_user(Role.EDITOR)
    user.groups.add(Group.objects.create(name="newsletter"), Group.objects.create(name="night shift"))

    assert token_client(user).get("/api/me/").json()["roles"] == ["editor", "reviewer"]


def test_a_superuser_is_an_admin(make_user):
    user = make_user(None)
    user.is_superuser = True
    user.save()

    assert token_client(user).get("/api/me/").json()["roles"] == ["admin", "editor", "reviewer"]


def test_the_user_a_token_opens_is_the_user_as_the_orm_loads_it(make_user):
    user = make_user(Role.EDITOR)
    user.first_name, user.last_login, user.is_staff = "Ana", timezone.now(), True
    user.save()
    _, secret = issue(user, "tests")

    authenticated, token = TokenWithRolesAuthentication().authenticate_credentials(secret)

    loaded = User.objects.get(pk=user.pk)
    fields = [field.attname for field in User._meta.concrete_fields]
    # Every value of the same type too: a time aware of its zone, a boolean as a boolean.
    assert [(getattr(authenticated, f), type(getattr(authenticated, f))) for f in fields] == [
        (getattr(loaded, f), type(getattr(loaded, f))) for f in fields
    ]
    assert timezone.is_aware(authenticated.last_login)
    assert (authenticated._state.adding, authenticated._state.db) == (False, loaded._state.db)
    assert token.user == loaded


def test_a_user_without_a_role_sees_only_published_claims(make_user, claim_factory):
    claim_factory(text="An unverified claim")

    response = token_client(make_user(None)).get("/api/claims/")

    assert response.status_code == 200
    assert response.json()["results"] == []


def test_the_token_and_the_roles_are_one_query(make_user, claim_factory):
    claim_factory(text="A claim")
    client = token_client(make_user(Role.REVIEWER))
    client.get("/api/me/")  # records the token's first use, a write made at most once a minute

    with CaptureQueriesContext(connection) as captured:
        response = client.get("/api/claims/")

    assert response.status_code == 200
    assert len(response.json()["results"]) == 1
    assert len(captured) == 2  # the token with its user's groups, then the page


def test_an_unknown_token_is_refused(make_user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")

    response = client.get("/api/me/")

    assert response.status_code == 401
    assert "Invalid token" in response.json()["detail"]


def test_an_inactive_users_token_is_refused(make_user):
    user = make_user(Role.EDITOR)
    client = token_client(user)
    user.is_active = False
    user.save()

    response = client.get("/api/me/")

    assert response.status_code == 401
    assert "inactive" in response.json()["detail"]


def test_a_role_taken_away_applies_to_the_next_request(make_user):
    user = make_user(Role.EDITOR)
    client = token_client(user)
    assert client.get("/api/me/").json()["roles"] == ["editor", "reviewer"]

    user.groups.clear()

    assert client.get("/api/me/").json()["roles"] == []


def test_a_token_holding_sql_is_only_a_wrong_token(make_user):
    token_client(make_user(Role.EDITOR))  # a real token exists
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token x'OR'1'='1")

    response = client.get("/api/me/")

    assert response.status_code == 401
    assert "Invalid token" in response.json()["detail"]


def test_a_drf_key_carried_over_by_the_migration_still_opens_the_api(make_user):
    """What ``accounts/migrations/0002`` does to each DRF token, applied to one."""
    import importlib

    from django.apps import apps
    from rest_framework.authtoken.models import Token

    user = make_user(Role.EDITOR)
    key = Token.objects.create(user=user).key
    importlib.import_module("accounts.migrations.0002_carry_over_drf_tokens").carry_over(apps, None)

    assert not Token.objects.exists()
    carried = user.api_tokens.get()
    assert (carried.name, carried.prefix) == ("migrated", key[:8])
    assert key not in str(user.api_tokens.values().get())
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/me/").json()["roles"] == ["editor", "reviewer"]
