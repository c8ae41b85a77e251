"""Which roles a user holds. Roles are Django groups (created by migration
0002); an editor holds every right of a reviewer, and an admin those of an
editor."""

from .choices import Role

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
    held = set(user.groups.filter(name__in=Role.values).values_list("name", flat=True))
    if user.is_superuser:
        held.add(Role.ADMIN)
    roles = frozenset(implied for role in held for implied in _IMPLIED[Role(role)])
    user._tracker_roles = roles
    return roles
