"""The Django admin of the tracker: a window on the record, never a way
round it.

What a claim says, its figures, presences, source links, evidence, verdicts
and log change only through the pages and the API, which go through
``claims.services`` and ``claims.workflow`` (permitted, versioned, logged):
here they are read-only, and each claim links to its page, where those
actions are. Parties, places, events, outlets and a source's details, which
claims refer to, are edited here by whoever ``claims.permissions.can``
allows, and the admin's own history records each change. Nothing is
deleted. The admins of ``sources`` models live here too, so that ``sources``
need not import the permissions of ``claims``.
"""

from . import domain, sources  # noqa: F401  (registers the model admins)
