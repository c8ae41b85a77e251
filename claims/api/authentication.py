"""API token authentication that reads the user's roles in the token's own
query.

Every API request asks ``claims.permissions.can``, which needs the caller's
roles; reading them with the token saves a query on each request (a fifth of
the time of a page of the claim list). What the roles allow is still decided
in ``claims.permissions``.
"""

from django.db.models import F
from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from claims.roles import remember_groups


class TokenWithRolesAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        # One row per group of the token's user (one row with no group name
        # for a user in none).
        rows = list(
            self.get_model().objects.select_related("user").filter(key=key).annotate(group_name=F("user__groups__name"))
        )
        if not rows:
            raise AuthenticationFailed(_("Invalid token."))
        token = rows[0]
        if not token.user.is_active:
            raise AuthenticationFailed(_("User inactive or deleted."))
        remember_groups(token.user, (row.group_name for row in rows))
        return token.user, token
