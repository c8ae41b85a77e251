"""API token authentication: ``Authorization: Token <secret>`` (or
``Bearer <secret>``) with the hashed tokens of ``accounts.models.ApiToken``,
reading the caller's roles in the token's own query.

Every API request asks what the caller's roles allow (``claims.permissions``
for claims, ``accounts.api.IsMember`` for sources). Reading the roles with the
token saves a query on each request, and writing that one query in SQL rather
than composing it with the ORM halves its cost (0.8 to 0.4 ms; it was half of
what an API page cost beyond its own rows): this is the hottest query of the
API.

An ``Authorization`` header this API does not understand (another scheme, or
a malformed one) is refused with a 401 that says what to send, rather than
ignored: a client that believes it is authenticated must not silently get the
answers of an anonymous visitor.
"""

from django.contrib.auth.models import User
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from .models import LAST_USED_PRECISION, ApiToken
from .roles import remember_groups
from .tokens import digest_of, record_use

# The schemes that carry a token, as the header names them (any case).
SCHEMES = ("token", "bearer")

# The tables of django.contrib.auth's user and groups and of the API tokens.
_CALLER_WITH_GROUPS = """
    SELECT u.*, g.name AS group_name, t.id AS token_id,
        (t.last_used_at IS NULL OR t.last_used_at < %s) AS token_use_unrecorded
    FROM accounts_apitoken t
    JOIN auth_user u ON u.id = t.user_id
    LEFT JOIN auth_user_groups m ON m.user_id = u.id
    LEFT JOIN auth_group g ON g.id = m.group_id
    WHERE t.digest = %s AND t.revoked_at IS NULL
"""

HOW_TO = 'send "Authorization: Token <your token>"'


class TokenWithRolesAuthentication(BaseAuthentication):
    def authenticate(self, request):
        header = get_authorization_header(request)
        if not header:
            return None
        parts = header.split()
        scheme = parts[0].decode("latin-1") if parts else ""
        if scheme.lower() not in SCHEMES:
            raise AuthenticationFailed(
                _('This API does not understand the Authorization scheme "%(scheme)s": %(how)s.')
                % {"scheme": scheme[:20], "how": HOW_TO}
            )
        if len(parts) != 2:
            raise AuthenticationFailed(
                _("Malformed Authorization header: %(how)s, the token with no spaces.") % {"how": HOW_TO}
            )
        try:
            secret = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise AuthenticationFailed(_("Invalid token.")) from None
        return self.authenticate_credentials(secret)

    def authenticate_credentials(self, secret):
        # One row per group of the token's user (one row with no group name
        # for a user in none), each a whole user.
        # ``token_use_unrecorded``: whether this use is to be written down (``tokens.record_use``).
        unrecorded_before = connection.ops.adapt_datetimefield_value(timezone.now() - LAST_USED_PRECISION)
        rows = list(User.objects.raw(_CALLER_WITH_GROUPS, [unrecorded_before, digest_of(secret)]))
        if not rows:
            raise AuthenticationFailed(_("Invalid token."))
        user = rows[0]
        if not user.is_active:
            raise AuthenticationFailed(_("User inactive or deleted."))
        remember_groups(user, (row.group_name for row in rows))
        if user.token_use_unrecorded:
            record_use(user.token_id)
        # ``request.auth``: the token by its id and user, all a view may ask of it.
        return user, ApiToken(pk=user.token_id, user=user)

    def authenticate_header(self, request):
        return 'Token realm="api"'
