"""Errors the domain raises, for the pages and the API to turn into answers."""

from django.utils.translation import gettext_lazy as _


class StaleVersion(Exception):
    """The change was based on a version of the claim that is no longer
    current: someone else changed it meanwhile."""

    def __init__(self, expected: int, current: int):
        self.expected = expected
        self.current = current
        super().__init__(
            _(
                "This claim was changed by someone else (you edited version %(expected)d, it is now at "
                "version %(current)d). Review the current version and apply your change again."
            )
            % {"expected": expected, "current": current}
        )


class TransitionRefused(Exception):
    """A status change the workflow does not allow, with the field to blame
    (``status`` or ``rationale``) and a message for people."""

    def __init__(self, message, *, field: str = "status", code: str = "refused"):
        self.message = message
        self.field = field
        self.code = code
        super().__init__(message)
