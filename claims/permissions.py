"""The one place that answers "may this user do this (to this claim)?".

Views, API permission classes, templates and services all ask ``can`` (or
``require``); none of them writes a rule of its own. Status changes are
decided by the table in ``claims.workflow``, which this module consults.
"""

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from accounts.decorators import MEMBERS_ONLY
from accounts.roles import Role, is_member, roles_of

from .choices import ClaimStatus
from .workflow import allowed_transitions, publishes_verdicts


class Action(StrEnum):
    VIEW_CLAIM = "view_claim"
    VIEW_INTERNAL = "view_internal"  # unpublished claims, sources, checks, evidence
    SUBMIT_CLAIM = "submit_claim"
    EDIT_CLAIM = "edit_claim"
    LINK_SOURCE = "link_source"
    WITHDRAW_SOURCE = "withdraw_source"
    ADD_EVIDENCE = "add_evidence"
    WITHDRAW_EVIDENCE = "withdraw_evidence"
    REQUEST_CHECK = "request_check"
    CHANGE_STATUS = "change_status"
    MANAGE_EVENTS = "manage_events"
    CHANGE_EVENT_SLUG = "change_event_slug"
    MANAGE_REFERENCE_DATA = "manage_reference_data"  # parties, places, outlets, a source's details
    IMPORT_CLAIMS = "import_claims"
    TAKE_CLAIM = "take_claim"  # assign an open claim to oneself, or let it go
    ASSIGN_CLAIM = "assign_claim"  # assign an open claim to anyone
    PUBLISH_VERDICTS = "publish_verdicts"  # on claims others wrote, in general
    MERGE_NAMED_ROWS = "merge_named_rows"  # merge two parties or places, give one another name
    EXPLAIN_FLAG = "explain_flag"  # close an open flag (a contradiction, a vanished quote) with a note
    VIEW_JOB = "view_job"  # a background job's progress and report
    RATE_OUTLET = "rate_outlet"  # judge an outlet's reliability, which its unrated sources take


_MESSAGES = {
    Action.VIEW_CLAIM: _("You may not see this claim."),
    Action.VIEW_INTERNAL: MEMBERS_ONLY,
    Action.SUBMIT_CLAIM: _("Only reviewers, editors and admins may submit claims."),
    Action.EDIT_CLAIM: _("Only its submitter or an editor may edit this claim, and only while it awaits a verdict."),
    Action.LINK_SOURCE: _("You may not add sources to this claim."),
    Action.WITHDRAW_SOURCE: _("Only whoever linked this source or an editor may withdraw it."),
    Action.ADD_EVIDENCE: _("You may not add evidence to this claim."),
    Action.WITHDRAW_EVIDENCE: _("Only its author or an editor may withdraw this evidence."),
    Action.REQUEST_CHECK: _("Only reviewers, editors and admins may ask for a source check."),
    Action.CHANGE_STATUS: _("You may not change the status of this claim."),
    Action.MANAGE_EVENTS: _("Only reviewers, editors and admins may create or edit events."),
    Action.CHANGE_EVENT_SLUG: _("Only editors may change an event's address: links to it would break."),
    Action.MANAGE_REFERENCE_DATA: _("Only admins may edit parties, places, outlets and the details of sources."),
    Action.IMPORT_CLAIMS: _("Only editors and admins may import claims in bulk."),
    Action.TAKE_CLAIM: _("Only reviewers, editors and admins may take a claim in hand, and only while it is open."),
    Action.PUBLISH_VERDICTS: _("Only editors may publish verdicts."),
    Action.ASSIGN_CLAIM: _("Only editors may assign a claim to someone else, and only while it is open."),
    Action.MERGE_NAMED_ROWS: _("Only editors may merge parties or places, or give them other names."),
    Action.EXPLAIN_FLAG: _("Only reviewers, editors and admins may explain an open flag."),
    Action.VIEW_JOB: _("Only whoever started this job, or an admin, may follow it."),
    Action.RATE_OUTLET: _("Only editors and admins may rate an outlet."),
}


# The Django model permissions the admin role holds: those of the admin
# pages Django and the libraries bring (accounts and their roles, API tokens,
# login lockouts). The tracker's own model admins ask ``can`` instead
# (``claims.admin.access``). Accounts are never deleted (claims and their log
# refer to them): they are made inactive. ``claims.apps`` grants these after
# every migrate.
ADMIN_ROLE_MODEL_PERMISSIONS = (
    "auth.view_user",
    "auth.add_user",
    "auth.change_user",
    "auth.view_group",
    "accounts.view_apitoken",
    "axes.view_accessattempt",
    "axes.delete_accessattempt",
    "axes.view_accesslog",
    "axes.view_accessfailurelog",
)


def can(user, action: Action, obj=None) -> bool:
    """Whether ``user`` may do ``action``, to ``obj`` where one is given.

    ``obj`` is a ``Claim`` for claim actions, an ``Evidence`` for
    ``WITHDRAW_EVIDENCE``, a ``ClaimSource`` for ``WITHDRAW_SOURCE`` and an
    flag (a ``VanishedFlag`` or an ``intelligence`` contradiction flag:
    anything with ``is_open``) for ``EXPLAIN_FLAG``.
    """
    roles = roles_of(user)
    member = is_member(user)
    if action == Action.VIEW_CLAIM:
        return member or (obj is not None and obj.status in ClaimStatus.verdicts())
    if action in (Action.VIEW_INTERNAL, Action.SUBMIT_CLAIM, Action.REQUEST_CHECK, Action.MANAGE_EVENTS):
        return member
    if action in (Action.IMPORT_CLAIMS, Action.CHANGE_EVENT_SLUG, Action.MERGE_NAMED_ROWS, Action.RATE_OUTLET):
        # An event's slug is its address: changing it breaks every link to
        # the event page, which an editor weighs, not any reviewer. A merge
        # rewrites the claimant or place of every claim that names them. An
        # outlet's rating regrades every claim citing its unrated sources.
        return Role.EDITOR in roles
    if action == Action.VIEW_JOB:
        # A job's report names what its owner imported; admins may read it to help.
        return member and (obj.owner_id == user.pk or Role.ADMIN in roles)
    if action == Action.MANAGE_REFERENCE_DATA:
        return Role.ADMIN in roles
    if action == Action.EDIT_CLAIM:
        return member and obj.status in ClaimStatus.open() and (Role.EDITOR in roles or obj.submitter_id == user.pk)
    if action in (Action.LINK_SOURCE, Action.ADD_EVIDENCE):
        return member and obj.status != ClaimStatus.WITHDRAWN
    if action == Action.WITHDRAW_SOURCE:
        return (
            member
            and obj.withdrawn_at is None
            and obj.claim.status != ClaimStatus.WITHDRAWN
            and (Role.EDITOR in roles or obj.added_by_id == user.pk)
        )
    if action == Action.WITHDRAW_EVIDENCE:
        return member and obj.withdrawn_at is None and (Role.EDITOR in roles or obj.author_id == user.pk)
    if action == Action.TAKE_CLAIM:
        return member and obj.status in ClaimStatus.open()
    if action == Action.ASSIGN_CLAIM:
        # Handing work to someone else is the desk's call, an editor's.
        return Role.EDITOR in roles and obj.status in ClaimStatus.open()
    if action == Action.PUBLISH_VERDICTS:
        return publishes_verdicts(user)
    if action == Action.CHANGE_STATUS:
        return bool(allowed_transitions(obj, user))
    if action == Action.EXPLAIN_FLAG:
        # Any reviewer: a flag is a question to the desk, and explaining it
        # changes nothing that a claim says.
        return member and (obj is None or obj.is_open)
    raise ValueError(f"Unknown action {action!r}")


def visible_claims(user, queryset):
    """The claims of ``queryset`` that ``user`` may see (``VIEW_CLAIM``):
    members see all, everyone else only published verdicts."""
    if is_member(user):
        return queryset
    return queryset.filter(status__in=ClaimStatus.verdicts())


def require(user, action: Action, obj=None) -> None:
    """Raise ``PermissionDenied`` with a message for people unless ``can``."""
    if not can(user, action, obj):
        raise PermissionDenied(_MESSAGES[action])
