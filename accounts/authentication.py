"""API token authentication: ``Authorization: Token <secret>`` (or
``Bearer <secret>``) with the hashed tokens of ``accounts.models.ApiToken``,
reading the caller's roles in the token's own query.

Every API request asks what the caller's roles allow (``claims.permissions``
for claims, ``accounts.api.IsMember`` for sources). Reading the roles with the
token saves a query on each request, and writing that one query in SQL rather
than composing it with the ORM halves its cost (0.8 to 0.4 ms; it was half of
what an API page cost beyond its own rows): this is the hottest query of the
API. Its rows are read from a plain cursor and the user is made from them as
the ORM makes a model from its row (``Model.from_db``, each value through the
backend's converters): about 0.1 ms of CPU less per request than
``User.objects.raw``, which works out its columns and their mapping to the
model on every call.

An ``Authorization`` header this API does not understand (another scheme, or
a malformed one) is refused with a 401 that says what to send, rather than
ignored: a client that believes it is authenticated must not silently get the
answers of an anonymous visitor.
"""

from django.contrib.auth.models import User
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from .models import LAST_USED_PRECISION, ApiToken
from .roles import remember_groups
from .tokens import digest_of, record_use

# The schemes that carry a token, as the header names them (any case).
SCHEMES = ("token", "bearer")

# The user's columns in the order of its fields, as ``Model.from_db`` takes them.
_USER_FIELDS = User._meta.concrete_fields

# The tables of django.contrib.auth's user and groups and of the API tokens:
# one row per group of the token's user (one row with no group name for a
# user in none), each the whole user, then the token's id, whether this use
# is to be written down (``tokens.record_use``) and the group's name. The
# columns are the model's own names; the values are parameters.
_CALLER_WITH_GROUPS = f"""
    SELECT {", ".join(f"u.{field.column}" for field in _USER_FIELDS)}, t.id,
        (t.last_used_at IS NULL OR t.last_used_at < %s), g.name
    FROM accounts_apitoken t
    JOIN auth_user u ON u.id = t.user_id
    LEFT JOIN auth_user_groups m ON m.user_id = u.id
    LEFT JOIN auth_group g ON g.id = m.group_id
    WHERE t.digest = %s AND t.revoked_at IS NULL
"""  # noqa: S608

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
        # The connection itself, not ``django.db.connection``, which looks it up again at each attribute.
        database = connections[DEFAULT_DB_ALIAS]
        unrecorded_before = database.ops.adapt_datetimefield_value(timezone.now() - LAST_USED_PRECISION)
        with database.cursor() as cursor:
            cursor.execute(_CALLER_WITH_GROUPS, [unrecorded_before, digest_of(secret)])
            rows = cursor.fetchall()
        if not rows:
            raise AuthenticationFailed(_("Invalid token."))
        user = _user_from(rows[0], database)
        if not user.is_active:
            raise AuthenticationFailed(_("User inactive or deleted."))
        remember_groups(user, (row[-1] for row in rows))
        token_id, use_unrecorded = rows[0][len(_USER_FIELDS) : len(_USER_FIELDS) + 2]
        if use_unrecorded:
            record_use(token_id)
        # ``request.auth``: the token by its id and user, all a view may ask of it.
        return user, ApiToken(pk=token_id, user=user)

    def authenticate_header(self, request):
        return 'Token realm="api"'


def _user_from(row, database) -> User:
    """The user whose columns start ``row``, read from ``database``, as the
    ORM would load it: each value through the converters of its field and of
    the database backend (SQLite gives naive times and numbers for booleans;
    PostgreSQL needs none)."""
    table = User._meta.db_table
    values = list(row[: len(_USER_FIELDS)])
    for index, field in enumerate(_USER_FIELDS):
        column = field.get_col(table)
        for convert in database.ops.get_db_converters(column) + field.get_db_converters(database):
            values[index] = convert(values[index], column, database)
    return User.from_db(database.alias, None, values)
