"""Strict readers for settings that come from the environment.

A value that cannot be understood stops start-up with a message naming the
variable, instead of silently falling back to a default (see healthchecks'
``envbool``/``envint``).
"""

import ipaddress
import os
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean: use true or false.")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={raw!r} must be at least {minimum}.")
    return value


def env_float(name: str, default: float, *, above: float | None = None) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a number.") from None
    if above is not None and not value > above:  # "not >" also refuses NaN
        raise ImproperlyConfigured(f"{name}={raw!r} must be above {above:g}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_networks(name: str, default: list[str]) -> tuple:
    """Comma-separated networks (``10.0.0.0/8``, ``::1/128``; a bare address is a network of one),
    parsed here once into ``ipaddress`` network objects."""
    networks = []
    for item in env_list(name, default):
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"{name} lists {item!r}, which is not a network: write one like 10.0.0.0/8 or ::1/128."
            ) from None
    return tuple(networks)


def env_origin(name: str, default: str) -> str:
    """A site's address, ``https://host[:port]`` (``http`` too), with no path,
    query or fragment; returned without a trailing slash, so that a path can be
    appended to it. With neither a value nor a default, start-up stops."""
    raw = os.environ.get(name) or default
    if not raw:
        raise ImproperlyConfigured(f"{name} must be set to the site's address, e.g. https://tracker.example.org.")
    try:
        parts = urlsplit(raw)
        parts.port  # noqa: B018 (raises on a port that is not a number)
    except ValueError:
        parts = None
    if (
        parts is None
        or parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
        or parts.username
    ):
        raise ImproperlyConfigured(
            f"{name}={raw!r} is not a site's address: write one like https://tracker.example.org (no path)."
        )
    return f"{parts.scheme}://{parts.netloc}"
