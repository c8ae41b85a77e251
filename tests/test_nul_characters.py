"""A NUL character where no form or serializer reads it first (the address,
the query string, a cookie, a header) is refused with a 400 that says where,
never passed on to PostgreSQL, which cannot store it (a 500 before).

Each case is a path the API fuzzing found at random, or one found looking
for its siblings, sent on purpose.
"""

import pytest
from django.test import Client

from accounts.tokens import issue
from claims.models import Event
from tests.openapi_conformance import assert_documented


def client_with_cookie(name, value):
    client = Client(raise_request_exception=False)
    client.cookies[name] = value
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/me/", "/claims/"])
def test_session_cookie_with_nul_is_refused_naming_the_cookie(path):
    response = client_with_cookie("sessionid", "abcdefgh\x00ijklmnop").get(path)
    assert response.status_code == 400
    assert "sessionid" in response.content.decode()


@pytest.mark.django_db
def test_api_refusal_names_the_cookie_in_the_error_shape():
    response = client_with_cookie("sessionid", "abcdefgh\x00ijklmnop").get("/api/me/")
    body = response.json()
    assert body["code"] == "invalid"
    assert list(body["errors"]) == ["sessionid"]
    assert_documented(response, "get", "/api/me/")


@pytest.mark.django_db
def test_token_with_nul_is_refused_naming_the_header(editor):
    issue(editor, "tests")
    response = Client(raise_request_exception=False).get("/api/me/", HTTP_AUTHORIZATION="Token abc\x00def")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["Authorization"]


@pytest.mark.django_db
def test_event_slug_with_nul_in_the_address_is_refused(client, reviewer):
    Event.objects.create(name="Shelling", slug="shelling")
    client.force_login(reviewer)
    client.raise_request_exception = False
    response = client.get("/events/shell%00ing/")
    assert response.status_code == 400
    assert "address" in response.content.decode()


@pytest.mark.django_db
def test_admin_list_filter_with_nul_is_refused_naming_the_parameter(client, admin_user):
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    client.raise_request_exception = False
    response = client.get("/admin/claims/claim/?status__exact=%00")
    assert response.status_code == 400
    assert "status__exact" in response.content.decode()


@pytest.mark.django_db
def test_api_filter_with_nul_is_refused_naming_the_parameter(client, reviewer):
    client.force_login(reviewer)
    response = client.get("/api/claims/?q=mine%00")
    assert response.status_code == 400
    assert response.json()["errors"] == {"q": [response.json()["detail"]]}
    assert_documented(response, "get", "/api/claims/")


@pytest.mark.django_db
def test_request_without_nul_passes(client, reviewer):
    client.force_login(reviewer)
    assert client.get("/api/claims/?q=mine").status_code == 200
