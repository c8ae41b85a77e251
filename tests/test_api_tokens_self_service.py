"""A member makes, lists and revokes their own API tokens (several, named,
kept only as a digest), on the tokens page or through the token endpoint;
the API refuses with a 401 any Authorization header it does not understand."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken
from accounts.roles import Role
from accounts.tokens import issue

pytestmark = pytest.mark.django_db

TOKENS = reverse("accounts:token_list")
CREATE = reverse("accounts:token_create")
ENDPOINT = "/api/auth/token/"


def revoke_url(token):
    return reverse("accounts:token_revoke", args=[token.pk])


def api(authorization=None):
    client = APIClient()
    if authorization is not None:
        client.credentials(HTTP_AUTHORIZATION=authorization)
    return client


def secret_on(page) -> str:
    return re.search(r'<code id="token-secret">([^<]+)</code>', page.content.decode()).group(1)


@pytest.fixture
def member(client, reviewer):
    client.force_login(reviewer)
    return reviewer


def test_a_token_made_on_the_page_is_shown_once_and_opens_the_api(client, member):
    response = client.post(CREATE, {"name": "nightly export"})

    assert response.status_code == 200
    secret = secret_on(response)
    assert f"Authorization: Token {secret}" in response.content.decode()  # the curl example
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get(user=member)
    assert (token.name, token.prefix) == ("nightly export", secret[:8])
    assert secret not in client.get(TOKENS).content.decode()
    me = api(f"Token {secret}").get("/api/me/")
    assert me.status_code == 200
    assert me.json()["username"] == member.username


def test_the_secret_is_stored_nowhere_in_the_row(member):
    token, secret = issue(member, "ci")

    row = ApiToken.objects.filter(pk=token.pk).values().get()

    assert not [field for field, value in row.items() if secret in str(value)]
    assert row["digest"] != secret


def test_the_page_lists_my_tokens_with_prefix_and_last_use(client, member):
    used, secret = issue(member, "laptop script")
    issue(member, "backup job")
    api(f"Token {secret}").get("/api/me/")

    page = client.get(TOKENS).content.decode()

    assert "laptop script" in page and "backup job" in page
    assert used.prefix in page
    assert timezone.localtime(ApiToken.objects.get(pk=used.pk).last_used_at).strftime("%Y-%m-%d %H:%M") in page
    assert "never" in page  # the backup job's


def test_a_revoked_token_is_refused(client, member):
    token, secret = issue(member, "leaked")
    _kept, kept_secret = issue(member, "kept")

    response = client.post(revoke_url(token))

    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    refused = api(f"Token {secret}").get("/api/me/")
    assert refused.status_code == 401
    assert "Invalid token" in refused.json()["detail"]
    assert api(f"Token {kept_secret}").get("/api/me/").status_code == 200
    assert token.name in client.get(TOKENS).content.decode()  # still listed, as revoked


def test_a_request_records_the_last_use_at_most_once_a_minute(member):
    token, secret = issue(member, "ci")
    assert token.last_used_at is None
    client = api(f"Bearer {secret}")

    assert client.get("/api/me/").status_code == 200
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first is not None
    client.get("/api/me/")
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first

    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=2))
    client.get("/api/me/")
    assert ApiToken.objects.get(pk=token.pk).last_used_at > first - timedelta(minutes=2)


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("Basic cmV2aWV3ZXI6c2VjcmV0", 'does not understand the Authorization scheme "Basic"'),
        ("ApiKey abc", 'does not understand the Authorization scheme "ApiKey"'),
        ("Token", "Malformed Authorization header"),
        ("Token two parts", "Malformed Authorization header"),
        ("Bearer", "Malformed Authorization header"),
    ],
)
def test_a_header_the_api_does_not_understand_is_a_401_not_an_anonymous_request(member, header, message):
    response = api(header).get("/api/claims/")

    assert response.status_code == 401
    assert message in response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Token")


def test_a_session_with_a_header_the_api_does_not_understand_is_refused_too(client, member):
    response = client.get("/api/me/", HTTP_AUTHORIZATION="Basic cmV2aWV3ZXI6c2VjcmV0")

    assert response.status_code == 401


def test_an_inactive_users_token_is_refused(member):
    _token, secret = issue(member, "ci")
    member.is_active = False
    member.save()

    assert api(f"Token {secret}").get("/api/me/").status_code == 401


def test_nobody_sees_or_revokes_anothers_tokens(client, member, other_reviewer):
    theirs, secret = issue(other_reviewer, "their private script")

    assert "their private script" not in client.get(TOKENS).content.decode()
    assert client.post(revoke_url(theirs)).status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
    assert api(f"Token {secret}").get("/api/me/").status_code == 200


@pytest.mark.parametrize(
    ("typed", "error"),
    [("", "Give the token a name"), ("   ", "Give the token a name"), ("x" * 101, "at most 100 characters")],
)
def test_a_refused_name_shows_the_form_again_with_what_was_typed(client, member, typed, error):
    response = client.post(CREATE, {"name": typed})

    assert response.status_code == 400
    page = response.content.decode()
    assert error in page
    if typed.strip():
        assert f'value="{typed}"' in page
    assert not ApiToken.objects.exists()


def test_the_endpoint_answers_a_new_token_for_good_credentials(make_user):
    user = make_user(Role.EDITOR, username="desk")

    response = api().post(ENDPOINT, {"username": "desk", "password": user.raw_password, "name": "export"})

    assert response.status_code == 201
    body = response.json()
    token = ApiToken.objects.get(user=user)
    assert (body["name"], body["prefix"], token.name) == ("export", token.prefix, "export")
    assert body["token"] not in str(ApiToken.objects.filter(pk=token.pk).values().get())
    assert api(f"Token {body['token']}").get("/api/me/").json()["roles"] == ["editor", "reviewer"]


def test_the_endpoint_refuses_wrong_credentials_with_a_401(make_user):
    make_user(Role.EDITOR, username="desk")

    response = api().post(ENDPOINT, {"username": "desk", "password": "guess", "name": "export"})

    assert response.status_code == 401
    assert "Wrong username or password" in response.json()["detail"]
    assert "WWW-Authenticate" in response
    assert not ApiToken.objects.exists()


def test_the_endpoint_names_missing_fields_with_a_400(make_user):
    response = api().post(ENDPOINT, {"username": "desk"}, format="json")

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"password", "name"}


def test_the_endpoint_respects_the_log_in_lockout(settings, make_user):
    user = make_user(Role.EDITOR, username="desk")
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        api().post(ENDPOINT, {"username": "desk", "password": "guess", "name": "export"})

    response = api().post(ENDPOINT, {"username": "desk", "password": user.raw_password, "name": "export"})

    assert response.status_code == 429
    assert not ApiToken.objects.exists()


def test_the_endpoint_gives_an_inactive_account_no_token(make_user):
    user = make_user(Role.EDITOR, username="desk")
    user.is_active = False
    user.save()

    response = api().post(ENDPOINT, {"username": "desk", "password": user.raw_password, "name": "export"})

    assert response.status_code == 401
    assert not ApiToken.objects.exists()


def test_the_api_documentation_says_how_to_authenticate():
    schema = api().get("/api/schema/", {"format": "json"}).json()

    assert schema["components"]["securitySchemes"]["apiToken"]["scheme"] == "bearer"
    assert 'curl -H "Authorization: Token $TOKEN"' in schema["info"]["description"]
    assert "security" not in schema["paths"]["/api/auth/token/"]["post"]  # asks for no token
    assert {"apiToken": []} in schema["paths"]["/api/claims/"]["get"]["security"]
