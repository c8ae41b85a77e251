"""API tokens: several per account, each named, kept only as the SHA-256 of
its secret, revocable, and telling when it was last used.

The secret is shown once, when the token is made (``accounts.tokens.issue``),
and never stored: a stolen database opens nothing. A token is found by the
digest of what the caller sends (``accounts.authentication``).
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# How stale ``last_used_at`` may be: it is written at most once a minute per
# token, not on every request.
LAST_USED_PRECISION = timedelta(minutes=1)


class ApiTokenQuerySet(models.QuerySet):
    def live(self):
        """The tokens that still open the API (not revoked)."""
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    # The secret's first characters, so that its owner can tell their tokens apart.
    prefix = models.CharField(_("prefix"), max_length=8)
    digest = models.CharField(_("digest"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…, {self.user})"
