"""How the API documentation (drf-spectacular, ``/api/docs/``) describes
``TokenWithRolesAuthentication``: a bearer token, which Swagger UI's
"Authorize" button then sends with every call it tries. Loaded by
``AccountsConfig.ready``."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension


class TokenWithRolesScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.authentication.TokenWithRolesAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": str(
                _(
                    'An API token, sent as "Authorization: Token <token>" or "Authorization: Bearer <token>". '
                    "Make one on the API tokens page of your account or with POST /api/auth/token/."
                )
            ),
        }
