"""Vocabularies of the sources app: reliability grades, check outcomes, health."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Reliability(models.TextChoices):
    """The Admiralty (NATO) scale for the reliability of a source."""

    A = "A", _("A: completely reliable")
    B = "B", _("B: usually reliable")
    C = "C", _("C: fairly reliable")
    D = "D", _("D: not usually reliable")
    E = "E", _("E: unreliable")
    # Every source starts here until someone rates it.
    F = "F", _("F: not yet rated")


class CheckOutcome(models.TextChoices):
    """How one fetch of a source ended."""

    OK = "ok", _("OK")
    REDIRECTED = "redirected", _("Redirected")
    # A re-check asked with the last good response's validators, and the server said the page is the same.
    NOT_MODIFIED = "not_modified", _("Unchanged (304)")
    NOT_FOUND = "not_found", _("Not found (404)")
    GONE = "gone", _("Gone (410)")
    # Answered 200, but the page is gone: a soft 404 (sources/soft_404.py says how it is told).
    SOFT_NOT_FOUND = "soft_not_found", _("Gone (page answers but is a 'not found' page)")
    SERVER_ERROR = "server_error", _("Server error")
    CLIENT_ERROR = "client_error", _("Refused by the server")
    TIMEOUT = "timeout", _("Timed out")
    UNSAFE = "unsafe", _("Refused as unsafe")
    TOO_LARGE = "too_large", _("Too large")
    UNSUPPORTED = "unsupported", _("Unsupported content")
    DNS_ERROR = "dns_error", _("DNS error")
    TLS_ERROR = "tls_error", _("TLS error")
    CONNECTION_ERROR = "connection_error", _("Connection error")
    TOO_MANY_REDIRECTS = "too_many_redirects", _("Too many redirects")
    CHECK_FAILED = "check_failed", _("Failed on our side")
    # Not a failure: the server asked us to come back later (429 or 503 with
    # Retry-After), or its host had no room for the request in time.
    DEFERRED = "deferred", _("Deferred")

    @classmethod
    def successes(cls):
        """Outcomes where the page was seen and its content is known: fetched
        and recorded, or confirmed by the server to be the one recorded before."""
        return {cls.OK, cls.REDIRECTED, cls.NOT_MODIFIED}

    @classmethod
    def disappearances(cls):
        """Outcomes that mean a page that was there is no longer there."""
        return {cls.NOT_FOUND, cls.GONE, cls.SOFT_NOT_FOUND}


class SourceHealth(models.TextChoices):
    """The state of a source as its latest check left it."""

    PENDING = "pending", _("Not checked yet")
    OK = "ok", _("Available")
    CHANGED = "changed", _("Content changed")
    GONE = "gone", _("Went away")
    FAILED = "failed", _("Check failed")


class OutletKind(models.TextChoices):
    NEWS = "news", _("News outlet")
    WIRE = "wire", _("Wire agency")
    OFFICIAL = "official", _("Official channel")
    SOCIAL = "social", _("Social media")
    NGO = "ngo", _("NGO or international body")
    OTHER = "other", _("Other")
