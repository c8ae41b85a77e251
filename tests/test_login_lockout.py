"""Guessing passwords locks the account being guessed from the guessing
address, and only there; an address that guesses at many accounts is
throttled as a whole."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

LOCKED_OUT = "Too many failed log-ins"


def _from(address):
    return Client(REMOTE_ADDR=address)


def _log_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def _fail(client, username, times):
    for _ in range(times):
        _log_in(client, username, "a wrong guess")


def test_correct_password_is_refused_once_the_failure_limit_is_reached(client, reviewer, editor):
    _fail(client, "reviewer", settings.AXES_FAILURE_LIMIT)

    response = _log_in(client, "reviewer", reviewer.raw_password)

    assert response.status_code in (403, 429)
    assert LOCKED_OUT in response.content.decode()
    assert "_auth_user_id" not in client.session

    other = Client()
    response = _log_in(other, "editor", editor.raw_password)
    assert response.status_code == 302, "another account is not locked by the guesses at this one"
    assert other.session["_auth_user_id"] == str(editor.pk)


def test_the_failure_that_reaches_the_limit_shows_the_locked_page(client, reviewer):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = _log_in(client, "reviewer", "a wrong guess")
        assert response.status_code == 200
        assert LOCKED_OUT not in response.content.decode()

    response = _log_in(client, "reviewer", "a wrong guess")

    assert response.status_code in (403, 429)
    assert LOCKED_OUT in response.content.decode()


def test_a_success_before_the_limit_starts_the_count_again(client, reviewer):
    _fail(client, "reviewer", settings.AXES_FAILURE_LIMIT - 1)
    response = _log_in(client, "reviewer", reviewer.raw_password)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(reviewer.pk)

    client.post(reverse("logout"))
    _fail(client, "reviewer", settings.AXES_FAILURE_LIMIT - 1)
    assert _log_in(client, "reviewer", reviewer.raw_password).status_code == 302


def test_guesses_from_one_address_do_not_lock_the_account_out_elsewhere(reviewer):
    guesser = _from("198.51.100.7")
    _fail(guesser, "reviewer", settings.AXES_FAILURE_LIMIT)
    assert LOCKED_OUT in _log_in(guesser, "reviewer", reviewer.raw_password).content.decode()

    owner = _from("203.0.113.20")
    response = _log_in(owner, "reviewer", reviewer.raw_password)

    assert response.status_code == 302, "a stranger's guesses must not lock the owner out"
    assert owner.session["_auth_user_id"] == str(reviewer.pk)


def test_an_address_guessing_at_many_accounts_is_throttled(settings, editor):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 8
    guesser = _from("198.51.100.7")
    # One guess at each of eight accounts: none reaches its own limit.
    for number in range(8):
        _fail(guesser, f"staff{number}", 1)

    response = _log_in(guesser, "editor", editor.raw_password)
    assert response.status_code in (403, 429)
    assert LOCKED_OUT in response.content.decode()
    assert "_auth_user_id" not in guesser.session

    elsewhere = _from("203.0.113.20")
    assert _log_in(elsewhere, "editor", editor.raw_password).status_code == 302


def test_logging_in_to_one_account_does_not_forgive_an_address_its_guesses_at_others(settings, reviewer, editor):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 8
    guesser = _from("198.51.100.7")
    for number in range(7):
        _fail(guesser, f"someone{number}", 1)
    assert _log_in(guesser, "reviewer", reviewer.raw_password).status_code == 302
    guesser.post(reverse("logout"))

    _fail(guesser, "someone-else", 1)

    assert LOCKED_OUT in _log_in(guesser, "editor", editor.raw_password).content.decode()
