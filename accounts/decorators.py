"""What the pages of every app put in front of their views: every page of the
tracker beyond a published claim is for its members only."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from .roles import is_member

MEMBERS_ONLY = _("Only reviewers, editors and admins may see this.")


def member_required(view):
    """The page needs a signed-in account that holds a role of the tracker:
    others are sent to sign in, and a signed-in account without a role is refused."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_member(request.user):
            raise PermissionDenied(MEMBERS_ONLY)
        return view(request, *args, **kwargs)

    return wrapper
