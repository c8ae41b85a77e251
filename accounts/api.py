"""The API's counterpart of ``member_required``, for endpoints outside the
claims (the sources'), which need nothing but membership. Claim endpoints use
``claims.api.permissions``, which asks ``claims.permissions.can``; both leave
alone what asks nothing (``asks_nothing``)."""

from rest_framework.permissions import BasePermission

from .decorators import MEMBERS_ONLY
from .roles import is_member


def asks_nothing(request, view) -> bool:
    """Whether the request needs no permission: ``metadata`` (OPTIONS), which
    reveals no row, and methods the endpoint does not offer, so that they
    answer 405."""
    return view.action in (None, "metadata") or request.method.lower() not in view.http_method_names


class IsMember(BasePermission):
    message = MEMBERS_ONLY

    def has_permission(self, request, view):
        return asks_nothing(request, view) or is_member(request.user)
