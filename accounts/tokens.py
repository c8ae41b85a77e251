"""Making, finding and revoking API tokens: the one place that turns a
secret into what is stored (its SHA-256) and back."""

import hashlib
import secrets

from django.utils import timezone

from .models import ApiToken

PREFIX_LENGTH = 8


def digest_of(secret: str) -> str:
    """The hex SHA-256 of ``secret``: what is stored and looked up. A fast
    hash is enough, as the secrets are random and long (no dictionary to try)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def issue(user, name: str) -> tuple[ApiToken, str]:
    """A new token named ``name`` for ``user`` and its secret, which is never
    stored: show it to its owner once."""
    secret = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, prefix=secret[:PREFIX_LENGTH], digest=digest_of(secret))
    return token, secret


def revoke(token: ApiToken) -> None:
    """Revoke ``token`` for good (revoking it again changes nothing)."""
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def record_use(token_id: int) -> None:
    """Record that the token was used now. Authentication calls it only when
    the last use recorded is older than ``LAST_USED_PRECISION``: a write per
    token a minute, not per request."""
    ApiToken.objects.filter(pk=token_id).update(last_used_at=timezone.now())


def replace(user, name: str) -> str:
    """Revoke ``user``'s live tokens named ``name`` and return the secret of a
    new one: for a script that needs its own token on every run (the
    benchmarks), as no secret can be read back."""
    ApiToken.objects.live().filter(user=user, name=name).update(revoked_at=timezone.now())
    return issue(user, name)[1]
