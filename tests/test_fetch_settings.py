"""The ``FETCH_*`` settings are read and checked once, when the app starts.

A value that cannot be understood stops start-up with a message naming the
variable; before, a mistyped ``FETCH_ALLOWED_NETWORKS`` started fine and then
turned every source check into "check failed".
"""

import ipaddress
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tracker.env import env_networks

ROOT = Path(__file__).resolve().parent.parent


def start_django(then="", **env):
    """Start Django in a fresh process with ``env`` added to the environment,
    then run the code ``then``; return the finished process."""
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "tracker.settings", "DEBUG": "true", **env}
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {then}"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("FETCH_ALLOWED_NETWORKS", "10.0.0.0/33"),
        ("FETCH_ALLOWED_NETWORKS", "127.0.0.0/8, localhost"),
        ("FETCH_CONNECT_TIMEOUT", "0"),
        ("FETCH_READ_TIMEOUT", "-1"),
        ("FETCH_TOTAL_TIMEOUT", "soon"),
        ("FETCH_MAX_BYTES", "0"),
        ("FETCH_MAX_REDIRECTS", "-1"),
    ],
)
def test_a_bad_fetch_setting_stops_start_up_naming_the_variable(name, value):
    started = start_django(**{name: value})
    assert started.returncode != 0
    assert "ImproperlyConfigured" in started.stderr
    assert name in started.stderr


def test_good_fetch_settings_start():
    started = start_django(FETCH_ALLOWED_NETWORKS="127.0.0.0/8, ::1/128", FETCH_MAX_REDIRECTS="0")
    assert started.returncode == 0, started.stderr


def test_allowed_networks_are_parsed_once_at_start_up(monkeypatch):
    """The setting holds network objects, so a fetch does not parse text on every call."""
    monkeypatch.setenv("FETCH_ALLOWED_NETWORKS", "127.0.0.0/8, ::1, 10.1.2.3/8")
    assert env_networks("FETCH_ALLOWED_NETWORKS", []) == (
        ipaddress.ip_network("127.0.0.0/8"),
        ipaddress.ip_network("::1/128"),
        ipaddress.ip_network("10.0.0.0/8"),
    )


@pytest.mark.parametrize(
    ("broker", "storage"),
    [
        ("redis://127.0.0.1:6379/3", "redis://127.0.0.1:6379/3"),
        ("amqp://guest:guest@127.0.0.1:5672//", "redis://127.0.0.1:6379/4"),  # RabbitMQ: Redis still shares the limits
        ("filesystem://", "memory://"),
    ],
)
def test_the_per_host_limits_are_shared_through_redis_whatever_the_broker(broker, storage):
    started = start_django(
        "from django.conf import settings; print(settings.FETCH_POLITENESS_STORAGE)",
        CELERY_BROKER_URL=broker,
        REDIS_URL="redis://127.0.0.1:6379/4",
    )
    assert started.stdout.strip() == storage, started.stderr
