"""Errors the domain raises, for the pages and the API to turn into answers."""

from django.core.exceptions import ValidationError
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


class PossibleDuplicate(ValidationError):
    """The claim being filed states the same facts as existing ones
    (``claims.similar.same_facts``): a field-level error on ``text``,
    carrying the claims it may repeat (``duplicates``: ``(claim, reason)``
    pairs), so that the caller can offer to link to one or to save anyway."""

    def __init__(self, duplicates):
        self.duplicates = duplicates
        claim, reason = duplicates[0]
        message = _(
            "This may repeat claim #%(id)s (%(reason)s). Add your source to that claim as a repetition, "
            "or confirm that it is a different claim to file it anyway."
        ) % {"id": claim.pk, "reason": reason}
        super().__init__({"text": [message]}, code="possible_duplicate")
