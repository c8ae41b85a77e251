"""Production mode refuses insecure settings and passes ``check --deploy``."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from tests.celery_worker import test_database_url
from tracker.env import env_bool, env_int

ROOT = Path(__file__).resolve().parent.parent
STRONG_KEY = "x7#kP2!vQ9@mL4$wR8^zT1&bN6*cY3(dF5)gH0-jK2_sA9+eU4=iO7"


def manage(*args, **env):
    unset = ("SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")
    environment = {k: v for k, v in os.environ.items() if k not in unset}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_prints_no_warning_in_production_mode():
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", DEBUG="false", SECRET_KEY=STRONG_KEY, ALLOWED_HOSTS="t.example"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_mode_refuses_to_start_without_a_secret_key():
    result = manage("check", DEBUG="false", ALLOWED_HOSTS="t.example")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_mode_refuses_to_start_without_allowed_hosts():
    result = manage("check", DEBUG="false", SECRET_KEY=STRONG_KEY)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must list" in result.stderr


def test_a_misspelt_boolean_stops_start_up(monkeypatch):
    monkeypatch.setenv("DEBUG", "ture")
    with pytest.raises(ImproperlyConfigured, match="DEBUG='ture' is not a boolean"):
        env_bool("DEBUG", True)


def test_a_non_numeric_integer_stops_start_up(monkeypatch):
    monkeypatch.setenv("AXES_FAILURE_LIMIT", "five")
    with pytest.raises(ImproperlyConfigured, match="AXES_FAILURE_LIMIT='five' is not a whole number"):
        env_int("AXES_FAILURE_LIMIT", 5)


@pytest.mark.postgresql
@pytest.mark.django_db
def test_a_session_whose_client_vanished_mid_statement_is_ended_too_when_the_idle_timeout_is_set():
    """A worker machine cut off while it sends a statement or reads its answer
    holds its locks as one idle in a transaction does, but that timeout does
    not apply to it (``tests/test_multi_host.py`` stalled on such a session):
    the same setting has the server notice the vanished client."""
    show = (
        "from django.db import connection\n"
        "with connection.cursor() as cursor:\n"
        "    for name in ('tcp_keepalives_idle', 'tcp_user_timeout', 'client_connection_check_interval'):\n"
        "        cursor.execute('SHOW ' + name)\n"
        "        print(name, cursor.fetchone()[0])\n"
    )
    result = manage(
        "shell",
        "-c",
        show,
        DATABASE_URL=test_database_url(),
        DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_SECONDS="10",
        DEBUG="true",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-3:] == [
        "tcp_keepalives_idle 10",
        "tcp_user_timeout 10000",
        "client_connection_check_interval 5s",
    ]


@pytest.mark.postgresql
@pytest.mark.django_db
def test_sessions_run_without_jit_compilation_unless_it_is_asked_for():
    """The planner overestimates the rows of a source with a long history, and
    JIT-compiled a batch's lookup of its sources' last good checks: 5.5 of the
    6 ms it took, for a query that reads 50 rows by index."""
    show = (
        "from django.db import connection\n"
        "with connection.cursor() as cursor:\n"
        "    cursor.execute('SHOW jit')\n"
        "    print(cursor.fetchone()[0])\n"
    )
    by_default = manage("shell", "-c", show, DATABASE_URL=test_database_url(), DEBUG="true")
    asked_for = manage("shell", "-c", show, DATABASE_URL=test_database_url(), DATABASE_JIT="true", DEBUG="true")
    assert by_default.returncode == 0, by_default.stderr
    assert asked_for.returncode == 0, asked_for.stderr
    assert (by_default.stdout.splitlines()[-1], asked_for.stdout.splitlines()[-1]) == ("off", "on")
