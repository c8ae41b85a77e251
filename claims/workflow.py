"""The verification workflow: the one place where a claim's status changes.

``TRANSITIONS`` is the whole table of allowed moves and who may make them;
``change_status`` is the only function that writes ``Claim.status``. Pages,
the API and the admin call it and never re-check the rules themselves.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role, roles_of

from .choices import ClaimStatus, LogAction, VerdictEnd
from .exceptions import StaleVersion, TransitionRefused
from .models import Claim, ClaimLogEntry, Verdict
from .signals import claim_changed, status_changed

_EDITORS = frozenset({Role.EDITOR, Role.ADMIN})
_EVERYONE = frozenset({Role.REVIEWER, Role.EDITOR, Role.ADMIN})


@dataclass(frozen=True)
class Transition:
    """One allowed move of the workflow."""

    name: str
    label: str
    sources: frozenset
    target: ClaimStatus
    roles: frozenset
    needs_rationale: bool = False
    # The two-person rule: whoever submitted the claim, or changed what it
    # says since its last verdict, may not make this move.
    not_by_author: bool = False
    # The claim's submitter may make this move whatever their role.
    submitter_may: bool = False
    # What the move does, for the claim page's "what happens next": said of
    # someone else ("publishes the verdict") and to the reader ("publish the
    # verdict"). Moves that do the same thing (the four verdicts) share it.
    does: str = ""
    do: str = ""


_VERDICT_LABELS = {
    ClaimStatus.SUPPORTED: _("Publish verdict: supported"),
    ClaimStatus.REFUTED: _("Publish verdict: refuted"),
    ClaimStatus.DISPUTED: _("Publish verdict: disputed"),
    ClaimStatus.UNPROVEN: _("Publish verdict: unproven"),
}

_SUPERSEDE_LABELS = {
    ClaimStatus.SUPPORTED: _("Supersede with verdict: supported"),
    ClaimStatus.REFUTED: _("Supersede with verdict: refuted"),
    ClaimStatus.DISPUTED: _("Supersede with verdict: disputed"),
    ClaimStatus.UNPROVEN: _("Supersede with verdict: unproven"),
}

TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        name="start_review",
        label=_("Start review"),
        sources=frozenset({ClaimStatus.UNVERIFIED}),
        target=ClaimStatus.IN_REVIEW,
        roles=_EVERYONE,
        does=_("starts the review"),
        do=_("start the review"),
    ),
    *(
        Transition(
            name=f"publish_{verdict}",
            label=label,
            sources=frozenset({ClaimStatus.IN_REVIEW}),
            target=verdict,
            roles=_EDITORS,
            needs_rationale=True,
            not_by_author=True,
            does=_("publishes the verdict"),
            do=_("publish the verdict"),
        )
        for verdict, label in _VERDICT_LABELS.items()
    ),
    # A published verdict replaced by another in one move, for when new
    # evidence changes the rating: the claim is never without a verdict in
    # between, and publishing the new one is held to the same rules.
    *(
        Transition(
            name=f"supersede_{verdict}",
            label=label,
            sources=frozenset(ClaimStatus.verdicts()) - {verdict},
            target=verdict,
            roles=_EDITORS,
            needs_rationale=True,
            not_by_author=True,
            does=_("replaces the verdict with another"),
            do=_("replace the verdict with another"),
        )
        for verdict, label in _SUPERSEDE_LABELS.items()
    ),
    Transition(
        name="reopen",
        label=_("Reopen"),
        sources=frozenset(ClaimStatus.verdicts()),
        target=ClaimStatus.IN_REVIEW,
        roles=_EDITORS,
        needs_rationale=True,
        does=_("reopens the review"),
        do=_("reopen the review"),
    ),
    Transition(
        name="withdraw",
        label=_("Withdraw"),
        sources=frozenset(ClaimStatus.open()),
        target=ClaimStatus.WITHDRAWN,
        roles=_EDITORS,
        needs_rationale=True,
        submitter_may=True,
        does=_("withdraws the claim"),
        do=_("withdraw the claim"),
    ),
    Transition(
        name="restore",
        label=_("Restore"),
        sources=frozenset({ClaimStatus.WITHDRAWN}),
        target=ClaimStatus.UNVERIFIED,
        roles=_EDITORS,
        needs_rationale=True,
        does=_("restores the claim"),
        do=_("restore the claim"),
    ),
)


# What a claim says, as its log's ``changes`` name it: its text and
# translation, who says it, where and when, its figures and troop presences.
# Its kind and its event only file it, and change nothing that is published.
SUBSTANCE = frozenset(
    {
        "text",
        "language",
        "translation",
        "claimant",
        "place",
        "occurred_on",
        "occurred_until",
        "time_precision",
        "stated_on",
        "casualty_figures",
        "troop_presences",
    }
)


def _substance_changed_by(user) -> Exists:
    """Whether ``user`` changed what the claim of the outer query (``pk``)
    says, its substance or its sources, since its last verdict was published,
    or since it was submitted.

    Counting from the last verdict rather than from the start of the review
    closes a way round the two-person rule: rewriting a waiting claim and then
    letting someone else start its review. What was changed before the last
    verdict has been judged by whoever published it.
    """
    last_verdict = (
        ClaimLogEntry.objects.filter(
            claim_id=OuterRef(OuterRef("pk")), action=LogAction.STATUS_CHANGED, to_status__in=ClaimStatus.verdicts()
        )
        .order_by("-id")
        .values("id")[:1]
    )
    return Exists(
        ClaimLogEntry.objects.filter(
            claim_id=OuterRef("pk"), actor_id=user.pk, id__gt=Coalesce(Subquery(last_verdict), 0)
        ).filter(
            Q(action__in=[LogAction.SOURCE_LINKED, LogAction.SOURCE_WITHDRAWN])
            | Q(action=LogAction.EDITED, changes__has_any_keys=list(SUBSTANCE))
        )
    )


def changed_substance(claim: Claim, user) -> bool:
    """Whether ``user`` changed what ``claim`` says since its last verdict
    (see ``_substance_changed_by``)."""
    return Claim.objects.filter(pk=claim.pk).filter(_substance_changed_by(user)).exists()


def publishes_verdicts(user) -> bool:
    """Whether ``user``'s role may publish verdicts (on claims others wrote)."""
    return any(roles_of(user) & rule.roles for rule in TRANSITIONS if rule.target in ClaimStatus.verdicts())


def awaiting_verdict_from(user, claims):
    """The claims of ``claims`` in review whose verdict ``user`` may publish:
    the two-person rule of ``refusal`` as a filter, so that a queue of them
    costs one query however long it is."""
    if not publishes_verdicts(user):
        return claims.none()
    return (
        claims.filter(status=ClaimStatus.IN_REVIEW).exclude(submitter_id=user.pk).exclude(_substance_changed_by(user))
    )


def find_transition(current: str, target: str) -> Transition | None:
    """The table entry for moving from ``current`` to ``target``, if any."""
    for rule in TRANSITIONS:
        if current in rule.sources and rule.target == target:
            return rule
    return None


def refusal(claim: Claim, user, rule: Transition | None, rationale: str = "") -> TransitionRefused | None:
    """Why ``user`` may not make ``rule`` on ``claim`` now, or ``None`` if they may.

    With an empty ``rationale`` the rationale rule is not applied, so that
    pages can list the moves a user may make before the rationale is typed.
    """
    if rule is None:
        return TransitionRefused(_("A claim cannot move that way from its current status."), code="not_allowed")
    is_submitter = user.is_authenticated and claim.submitter_id == user.pk
    if not (roles_of(user) & rule.roles or (rule.submitter_may and is_submitter and roles_of(user))):
        return TransitionRefused(_("Your role may not do this: “%(label)s”.") % {"label": rule.label}, code="role")
    if rule.not_by_author and is_submitter:
        return TransitionRefused(
            _("You submitted this claim, so another editor must publish its verdict (two-person rule)."),
            code="two_person",
        )
    if rule.not_by_author and changed_substance(claim, user):
        return TransitionRefused(
            _("You changed what this claim says, so another editor must publish its verdict (two-person rule)."),
            code="two_person",
        )
    return None


@dataclass(frozen=True)
class NextStep:
    """One thing that can happen next to a claim, and who can do it, as the
    claim page says it: ``sentence`` in the page's language; ``yours`` when
    the reader may do it."""

    sentence: str
    yours: bool


def _who(rule: Transition, excluded_you: bool) -> str:
    """Who may make ``rule``, read from the table, in words."""
    if rule.not_by_author:
        if excluded_you:
            return _("An editor other than you")
        return _("An editor other than its submitter")
    if rule.submitter_may:
        return _("An editor or the claim's submitter")
    if Role.REVIEWER in rule.roles:
        return _("Any reviewer or editor")
    return _("An editor")


def next_steps(claim: Claim, user) -> list[NextStep]:
    """What can happen next to ``claim`` and who can do it, from the
    ``TRANSITIONS`` table and ``refusal``, one step per kind of move (the
    four verdicts are one step)."""
    steps = {}
    for rule in TRANSITIONS:
        if claim.status not in rule.sources:
            continue
        refused = refusal(claim, user, rule)
        step = steps.get(rule.does)
        if step is not None and step.yours:
            continue
        if refused is None:
            steps[rule.does] = NextStep(_("You can %(do)s.") % {"do": rule.do}, yours=True)
        else:
            excluded_you = rule.not_by_author and (claim.submitter_id == user.pk or changed_substance(claim, user))
            who = _who(rule, excluded_you=excluded_you)
            steps[rule.does] = NextStep(_("%(who)s %(does)s.") % {"who": who, "does": rule.does}, yours=False)
    return list(steps.values())


def allowed_transitions(claim: Claim, user) -> list[Transition]:
    """The moves ``user`` may make on ``claim`` in its current status."""
    return [rule for rule in TRANSITIONS if claim.status in rule.sources and refusal(claim, user, rule) is None]


def change_status(claim: Claim, user, target: str, *, rationale: str = "", expected_version: int) -> Claim:
    """Move ``claim`` to ``target`` on behalf of ``user``.

    The claim row is locked; a change based on a version other than the
    current one raises ``StaleVersion``; a move the table does not allow
    raises ``TransitionRefused``. Publishing a verdict records a ``Verdict``
    naming the one before it; leaving a verdict ends it, superseded by the new
    one or withdrawn (reopened). Every move appends a log entry.
    Returns the updated claim.
    """
    rationale = (rationale or "").strip()
    with transaction.atomic():
        locked = Claim.objects.select_for_update().get(pk=claim.pk)
        if locked.version != expected_version:
            raise StaleVersion(expected_version, locked.version)
        rule = find_transition(locked.status, target)
        refused = refusal(locked, user, rule, rationale)
        if refused is not None:
            raise refused
        if rule.needs_rationale and not rationale:
            raise TransitionRefused(
                _("Say why: “%(label)s” needs a rationale.") % {"label": rule.label},
                field="rationale",
                code="rationale_required",
            )
        previous = locked.status
        now = timezone.now()
        if previous in ClaimStatus.verdicts():
            ended = VerdictEnd.SUPERSEDED if target in ClaimStatus.verdicts() else VerdictEnd.WITHDRAWN
            Verdict.objects.filter(claim=locked, superseded_at__isnull=True).update(superseded_at=now, ended=ended)
        if target in ClaimStatus.verdicts():
            Verdict.objects.create(
                claim=locked,
                rating=target,
                rationale=rationale,
                published_by=user,
                supersedes=Verdict.objects.filter(claim=locked).order_by("-published_at", "-id").first(),
            )
        locked.status = target
        locked.version += 1
        locked.save(update_fields=["status", "version", "updated_at"])
        ClaimLogEntry.objects.create(
            claim=locked,
            actor=user,
            action=LogAction.STATUS_CHANGED,
            from_status=previous,
            to_status=target,
            rationale=rationale,
            claim_version=locked.version,
        )
        status_changed.send(sender=Claim, claim=locked, user=user, from_status=previous)
        claim_changed.send(sender=Claim, claim_ids=[locked.pk], user=user, statement_changed=True)
    return locked
