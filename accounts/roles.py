"""The roles of the tracker and who holds them. Roles are Django groups
(created by the claims app's migration 0002); an editor holds every right of
a reviewer, and an admin those of an editor.

Both apps ask here: ``claims.permissions`` decides what each role may do to
claims, and the sources pages need only membership (``is_member``).
"""

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The roles of the tracker, kept as Django groups of the same names."""

    REVIEWER = "reviewer", _("Reviewer")
    EDITOR = "editor", _("Editor")
    ADMIN = "admin", _("Admin")


# The groups that are roles, by name (``Role.values`` builds a new list each time).
_ROLE_NAMES = frozenset(Role.values)

_IMPLIED = {
    Role.ADMIN: {Role.ADMIN, Role.EDITOR, Role.REVIEWER},
    Role.EDITOR: {Role.EDITOR, Role.REVIEWER},
    Role.REVIEWER: {Role.REVIEWER},
}


def roles_of(user) -> frozenset[Role]:
    """The effective roles of ``user`` (empty for anonymous or inactive users).

    The result is cached on the user object for the request.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, "_tracker_roles", None)
    if cached is not None:
        return cached
    return remember_groups(user, user.groups.filter(name__in=Role.values).values_list("name", flat=True))


def remember_groups(user, group_names: Iterable[str | None]) -> frozenset[Role]:
    """Cache on ``user`` the roles that its groups ``group_names`` give, for
    code that read the groups along with the user (API token
    authentication does, in the token's query). Other groups are ignored."""
    held = {Role(name) for name in group_names if name in _ROLE_NAMES}
    if user.is_superuser:
        held.add(Role.ADMIN)
    roles = frozenset(implied for role in held for implied in _IMPLIED[role])
    user._tracker_roles = roles
    return roles


def is_member(user) -> bool:
    """Whether ``user`` holds any role of the tracker: who may see anything
    beyond published claims."""
    return bool(roles_of(user))


def member_accounts():
    """The active accounts that hold a role of the tracker, by username: whom
    a claim can be assigned to."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(models.Q(groups__name__in=Role.values) | models.Q(is_superuser=True))
        .distinct()
        .order_by("username")
    )
