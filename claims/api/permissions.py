"""DRF permission classes that translate to ``claims.permissions.can``.

Each view names, per DRF action, the tracker ``Action`` it needs in
``required_actions``. This module only asks ``can``: it holds no rule of its
own. Actions about one object (a claim, a piece of evidence) are asked once
DRF has fetched the object; the others before the view runs.
"""

from rest_framework.permissions import BasePermission

from accounts.api import asks_nothing
from claims.permissions import Action, can

# The actions that ``can`` decides about a given object.
OBJECT_ACTIONS = frozenset(
    {
        Action.VIEW_CLAIM,
        Action.EDIT_CLAIM,
        Action.LINK_SOURCE,
        Action.ADD_EVIDENCE,
        Action.WITHDRAW_EVIDENCE,
        Action.CHANGE_STATUS,
    }
)


def required_action(request, view) -> Action | None:
    """The tracker action ``view``'s current DRF action needs.

    A DRF action the view does not list is refused (fail closed). ``None``
    (nothing to ask) is for what ``accounts.api.asks_nothing`` lets through.
    """
    if asks_nothing(request, view):
        return None
    try:
        return view.required_actions[view.action]
    except (AttributeError, KeyError):
        raise LookupError(f"{type(view).__name__} does not say which action {view.action!r} needs") from None


class TrackerPermission(BasePermission):
    """Allows a request when ``can`` allows the action the view maps it to.

    Lists of claims are not refused here: the view narrows them with
    ``claims.permissions.visible_claims``, so each claim is still judged by
    ``VIEW_CLAIM``.
    """

    def has_permission(self, request, view):
        try:
            action = required_action(request, view)
        except LookupError:
            return False
        if action is None or action in OBJECT_ACTIONS:
            return True
        return can(request.user, action)

    def has_object_permission(self, request, view, obj):
        action = required_action(request, view)
        if action is None or action not in OBJECT_ACTIONS:
            return True
        return can(request.user, action, obj)
