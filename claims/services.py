"""Writes to the claim domain that the pages, the API and the importers share.

Each function checks the permission (``claims.permissions``), validates the
rows it writes, appends to the claim's log, and asks for source checks once
the transaction commits. Status changes are not here: see
``claims.workflow.change_status``.

A claim's claimant, place and event, and a troop presence's force and place,
may be given as rows or by name (``_with_named_rows``): names are found or
created through ``claims.lookups`` here, inside the write transaction, so
that a submission that fails leaves no party, place or event behind.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import is_member
from sources.services import get_or_create_source, outlet_for_domain, request_check

from .choices import LogAction, ReviewFlag, SourceRole
from .exceptions import PossibleDuplicate, StaleVersion
from .lookups import (
    get_or_create_actor,
    get_or_create_event,
    get_or_create_place,
    resolve_actor,
    resolve_place,
    survivor,
)
from .models import (
    NOTE_MAX_LENGTH,
    Actor,
    ActorAlias,
    CasualtyFigure,
    Claim,
    ClaimLogEntry,
    ClaimSource,
    Event,
    Evidence,
    Place,
    PlaceAlias,
    TroopPresence,
    VanishedFlag,
)
from .names import name_key, tidy_name
from .permissions import Action, require
from .signals import claim_changed, claim_flagged, claim_submitted
from .similar import same_facts
from .uploads import evidence_content_type

EDITABLE_FIELDS = (
    "text",
    "language",
    "translation",
    "kind",
    "claimant",
    "event",
    "place",
    "occurred_on",
    "occurred_until",
    "time_precision",
    "stated_on",
)


@dataclass
class SourceLinkData:
    """A source to link to a claim, as a form or API client gives it."""

    url: str
    role: str = SourceRole.ORIGIN
    quoted_passage: str = ""
    source_fields: dict = field(default_factory=dict)


def _loggable(value):
    """A JSON-safe form of a field value for the claim log."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if hasattr(value, "pk"):
        return {"id": value.pk, "label": str(value)}
    return str(value)


def _figure_record(figure: CasualtyFigure) -> dict:
    """A figure as the log keeps it: its values, said in words by
    ``claims.log_wording`` in the reader's language."""
    return {name: getattr(figure, name) for name in ("category", "population", "qualifier", "low", "high")}


def _log(claim: Claim, user, action: str, **extra) -> ClaimLogEntry:
    return ClaimLogEntry.objects.create(claim=claim, actor=user, action=action, claim_version=claim.version, **extra)


def _changed(claim: Claim, user, *, statement_changed: bool = True) -> None:
    """Tell the apps above (``claims.signals``) that ``claim`` changed, by
    ``user``'s hand, now or when the ``changes_told_together`` block this
    write is in ends; ``statement_changed`` is false when only its sources
    or evidence did."""
    collected = _collected_changes.get()
    if collected is None:
        claim_changed.send(sender=Claim, claim_ids=[claim.pk], user=user, statement_changed=statement_changed)
    else:
        collected.setdefault((user, statement_changed), {})[claim.pk] = None


# The claims changed within the innermost ``changes_told_together`` block:
# their ids (in order, once each) by whose write it was and whether the statement changed.
_collected_changes: ContextVar[dict | None] = ContextVar("collected_claim_changes", default=None)


@contextmanager
def changes_told_together():
    """Within this block, the apps above are told of the claims it changed
    once, when it ends, rather than at each write: an import writes claims
    by the hundred, and grading costs the same few queries for one claim as
    for many (``intelligence.grading.grade_claims``). The block runs inside
    the transaction of its writes, so that what the receivers write commits
    with them; a claim whose write was rolled back since (a refused row's
    savepoint) is not told of, and a block that raises tells of nothing."""
    collected = {}
    token = _collected_changes.set(collected)
    try:
        yield
    finally:
        _collected_changes.reset(token)
    for (user, statement_changed), changed in collected.items():
        still_there = set(Claim.objects.filter(pk__in=changed).values_list("pk", flat=True))
        claim_ids = [pk for pk in changed if pk in still_there]
        if claim_ids:
            claim_changed.send(sender=Claim, claim_ids=claim_ids, user=user, statement_changed=statement_changed)


def _found_or_created(key: str, lookup, *args):
    """The row ``lookup(*args)`` finds or creates; its validation errors are
    put under ``key``, the name the caller gave."""
    try:
        return lookup(*args)
    except ValidationError as error:
        raise ValidationError({key: error.messages}) from error


_MERGEABLE_FIELDS = frozenset({"claimant", "force", "place"})


def _with_named_rows(values: dict) -> dict:
    """``values`` (a claim's or a troop presence's) with the rows given by
    name found, or created if new: ``claimant_name``, ``force_name``,
    ``place_name`` (with ``place_precision``, optional) and ``event_name``
    (with ``event_slug``, optional) become ``claimant``, ``force``, ``place``
    and ``event``. A party or place given as a row that was merged into
    another (an API client's old id) becomes the one it was merged into."""
    values = {name: survivor(value) if name in _MERGEABLE_FIELDS else value for name, value in values.items()}
    if "claimant_name" in values:
        values["claimant"] = _found_or_created("claimant_name", get_or_create_actor, values.pop("claimant_name"))
    if "force_name" in values:
        values["force"] = _found_or_created("force_name", get_or_create_actor, values.pop("force_name"))
    if "place_name" in values:
        name, precision = values.pop("place_name"), values.pop("place_precision", "")
        values["place"] = _found_or_created("place_name", get_or_create_place, name, precision)
    if "event_name" in values or "event_slug" in values:
        name, slug = values.pop("event_name", ""), values.pop("event_slug", "")
        values["event"] = _found_or_created("event_name", lambda: get_or_create_event(name, slug=slug))
    return values


def _write_details(claim: Claim, figures, presences) -> None:
    for data in figures:
        figure = CasualtyFigure(claim=claim, **data)
        figure.full_clean(exclude=["claim"])
        figure.save()
    for data in presences:
        presence = TroopPresence(claim=claim, **_with_named_rows(data))
        presence.full_clean(exclude=["claim"])
        presence.save()


@transaction.atomic
def submit_claim(user, *, fields: dict, figures=(), presences=(), sources=(), refuse_duplicates=False) -> Claim:
    """Create a claim with its structured detail and sources.

    ``fields`` holds ``Claim`` field values; ``figures`` and ``presences``
    dicts of ``CasualtyFigure``/``TroopPresence`` values (related rows may be
    given by name, see ``_with_named_rows``); ``sources`` a list of
    ``SourceLinkData``. Raises ``ValidationError`` and writes nothing if any
    part is invalid; with ``refuse_duplicates``, ``PossibleDuplicate`` too
    when existing claims state the same facts (``similar.same_facts``: the
    same party under any of its names, in any language).
    """
    require(user, Action.SUBMIT_CLAIM)
    claim = Claim(submitter=user, **_with_named_rows(fields))
    claim.full_clean()
    claim.save()
    _write_details(claim, figures, presences)
    if refuse_duplicates:
        # Compared once the claimant, place and figures are rows, so that
        # names resolve through their aliases; raising rolls it all back.
        duplicates = same_facts(claim)
        if duplicates:
            raise PossibleDuplicate(duplicates)
    _log(claim, user, LogAction.CREATED)
    for link in sources:
        _link(claim, user, link)
    _changed(claim, user)
    claim_submitted.send(sender=Claim, claim=claim, user=user)
    return claim


@transaction.atomic
def edit_claim(claim: Claim, user, *, expected_version: int, fields: dict, figures=None, presences=None) -> Claim:
    """Apply ``fields`` (and, when given, replace the structured detail) to
    ``claim``, based on ``expected_version``.

    Raises ``StaleVersion`` if the claim changed since that version, so that
    no one's edit is silently overwritten. Returns the updated claim.
    """
    locked = Claim.objects.select_for_update().get(pk=claim.pk)
    require(user, Action.EDIT_CLAIM, locked)
    if locked.version != expected_version:
        raise StaleVersion(expected_version, locked.version)
    changes = {}
    for name, value in _with_named_rows(fields).items():
        if name not in EDITABLE_FIELDS:
            raise ValueError(f"{name} cannot be edited")
        old = getattr(locked, name)
        if old != value:
            changes[name] = [_loggable(old), _loggable(value)]
            setattr(locked, name, value)
    locked.full_clean()
    if figures is not None:
        old_figures = [_figure_record(f) for f in locked.casualty_figures.all()]
        locked.casualty_figures.all().delete()
        _write_details(locked, figures, ())
        new_figures = [_figure_record(f) for f in locked.casualty_figures.all()]
        if old_figures != new_figures:
            changes["casualty_figures"] = [old_figures, new_figures]
    if presences is not None:
        old_presences = [str(p) for p in locked.troop_presences.all()]
        locked.troop_presences.all().delete()
        _write_details(locked, (), presences)
        new_presences = [str(p) for p in locked.troop_presences.all()]
        if old_presences != new_presences:
            changes["troop_presences"] = [old_presences, new_presences]
    if not changes:
        return locked
    locked.version += 1
    locked.save()
    _log(locked, user, LogAction.EDITED, changes=changes)
    _changed(locked, user)
    return locked


@transaction.atomic
def link_source(claim: Claim, user, link: SourceLinkData) -> ClaimSource:
    """Link the source at ``link.url`` to ``claim`` and ask for its check.

    A URL already known links the existing source; linking a source the
    claim already has updates nothing and returns the existing link.
    """
    claim_source = _link(claim, user, link)
    _changed(claim, user, statement_changed=False)
    return claim_source


def _link(claim: Claim, user, link: SourceLinkData) -> ClaimSource:
    """``link_source`` without telling the apps above: ``submit_claim``
    tells them once, for the claim and all its links."""
    require(user, Action.LINK_SOURCE, claim)
    fields = dict(link.source_fields)
    if "outlet" not in fields:
        fields["outlet"] = outlet_for_domain(link.url)
    source, _created = get_or_create_source(link.url, user=user, **fields)
    existing = ClaimSource.objects.filter(claim=claim, source=source).first()
    if existing is not None:
        return existing
    claim_source = ClaimSource(
        claim=claim, source=source, role=link.role, quoted_passage=link.quoted_passage.strip(), added_by=user
    )
    claim_source.full_clean(exclude=["claim", "source", "added_by"])
    claim_source.save()
    _log(claim, user, LogAction.SOURCE_LINKED, changes={"source": source.url, "role": link.role})
    request_check(source)
    return claim_source


@transaction.atomic
def withdraw_source_link(link: ClaimSource, user, *, reason: str) -> ClaimSource:
    """Withdraw ``link`` from its claim, saying why: it stays in the record,
    marked withdrawn, and the claim's log names who withdrew it."""
    locked = ClaimSource.objects.select_for_update().select_related("claim", "source").get(pk=link.pk)
    require(user, Action.WITHDRAW_SOURCE, locked)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why this source is withdrawn.")})
    locked.withdrawn_at = timezone.now()
    locked.save(update_fields=["withdrawn_at"])
    _log(locked.claim, user, LogAction.SOURCE_WITHDRAWN, rationale=reason, changes={"source": locked.source.url})
    _changed(locked.claim, user, statement_changed=False)
    return locked


def required_note(note: str, *, if_empty: str) -> str:
    """``note`` without its surrounding blanks, for a decision that must say
    why (closing a flag); ``ValidationError`` on ``note``, saying
    ``if_empty`` when it is empty, or when it is too long."""
    note = note.strip()
    if not note:
        raise ValidationError({"note": if_empty})
    try:
        MaxLengthValidator(NOTE_MAX_LENGTH)(note)
    except ValidationError as error:
        raise ValidationError({"note": error.messages}) from error
    return note


@transaction.atomic
def close_vanished_flag(flag: VanishedFlag, user, *, note: str) -> VanishedFlag:
    """Close the open ``flag`` once ``user`` has looked, saying what they
    found (``note``, required): the claim's verdict stands, or it is being
    reviewed again.

    Raises ``PermissionDenied`` when the flag is not open or the user may not,
    ``ValidationError`` (on ``note``) when the note is empty or too long."""
    locked = VanishedFlag.objects.select_for_update().get(pk=flag.pk)
    require(user, Action.EXPLAIN_FLAG, locked)
    note = required_note(note, if_empty=_("Say what you found."))
    locked.closed_at, locked.closed_by, locked.note = timezone.now(), user, note
    locked.save(update_fields=["closed_at", "closed_by", "note"])
    return locked


@transaction.atomic
def add_evidence(
    claim: Claim, user, *, stance: str, source_url: str = "", file=None, quoted_passage: str = "", note: str = ""
) -> Evidence:
    """Attach evidence to ``claim``: a source (checked like any other), a
    file, or both."""
    require(user, Action.ADD_EVIDENCE, claim)
    source = None
    if source_url:
        source, created = get_or_create_source(source_url, user=user, outlet=outlet_for_domain(source_url))
        if created or source.check_requested_at is None:
            request_check(source)
    evidence = Evidence(
        claim=claim, stance=stance, source=source, quoted_passage=quoted_passage.strip(), note=note.strip(), author=user
    )
    if file:
        evidence.file = file
        evidence.file_size = file.size
        evidence.file_content_type = evidence_content_type(file.name)
    evidence.full_clean(exclude=["claim", "author"])
    evidence.save()
    _log(claim, user, LogAction.EVIDENCE_ADDED, changes={"evidence": evidence.pk, "stance": stance})
    _changed(claim, user, statement_changed=False)
    return evidence


@transaction.atomic
def withdraw_evidence(evidence: Evidence, user, *, reason: str = "") -> Evidence:
    """Withdraw ``evidence``: it stays in the record, marked withdrawn."""
    require(user, Action.WITHDRAW_EVIDENCE, evidence)
    reason = reason.strip()
    try:
        MaxLengthValidator(NOTE_MAX_LENGTH)(reason)
    except ValidationError as error:
        raise ValidationError({"reason": error.messages}) from error
    evidence.withdrawn_at = timezone.now()
    evidence.save(update_fields=["withdrawn_at"])
    _log(
        evidence.claim,
        user,
        LogAction.EVIDENCE_WITHDRAWN,
        rationale=reason,
        changes={"evidence": evidence.pk},
    )
    _changed(evidence.claim, user, statement_changed=False)
    return evidence


@transaction.atomic
def assign_claim(claim: Claim, user, assignee) -> Claim:
    """Make ``assignee`` (a member, or ``None`` for nobody) the one who has
    ``claim``'s review in hand, on behalf of ``user``, and log it.

    Anyone may take an open claim or let go of it (``TAKE_CLAIM``); handing
    it to someone else, or taking it from them, is an editor's
    (``ASSIGN_CLAIM``). The claim's version does not change: who works on a
    claim is not what it says, and an edit under way stays valid.
    """
    locked = Claim.objects.select_for_update(of=("self",)).select_related("assignee").get(pk=claim.pk)
    only_self = assignee in (None, user) and locked.assignee_id in (None, user.pk)
    require(user, Action.TAKE_CLAIM if only_self else Action.ASSIGN_CLAIM, locked)
    if assignee is not None and not is_member(assignee):
        raise ValidationError({"assignee": _("A claim can only be assigned to a reviewer, editor or admin.")})
    if locked.assignee_id == (assignee.pk if assignee else None):
        return locked
    changes = {"assignee": [_loggable(locked.assignee), _loggable(assignee)]}
    locked.assignee = assignee
    locked.save(update_fields=["assignee", "updated_at"])
    _log(locked, user, LogAction.ASSIGNED, changes=changes)
    return locked


CONTRADICTION_ACTIONS = (
    LogAction.CONTRADICTION_FLAGGED,
    LogAction.CONTRADICTION_EXPLAINED,
    LogAction.CONTRADICTION_RESOLVED,
)


def record_contradiction(claim: Claim, user, action: str, *, other_claim_id: int, reason: str, note: str = ""):
    """Append to ``claim``'s log that a contradiction with claim
    ``other_claim_id`` was flagged, explained (with ``note``) or resolved.

    For the intelligence app, which keeps the flags but not the log; the
    claim itself is not touched (its version stays)."""
    if action not in CONTRADICTION_ACTIONS:
        raise ValueError(f"{action!r} is not a contradiction's log action")
    entry = _log(claim, user, action, rationale=note, changes={"other_claim": other_claim_id, "reason": reason})
    if action == LogAction.CONTRADICTION_FLAGGED:
        claim_flagged.send(sender=Claim, claim=claim, user=user, kind=ReviewFlag.CONTRADICTION, reason=reason)
    return entry


def update_event(event: Event, user, fields: dict) -> Event:
    """Apply ``fields`` to ``event``. Changing its slug, the event page's
    address, needs its own permission (``CHANGE_EVENT_SLUG``)."""
    require(user, Action.MANAGE_EVENTS, event)
    if "slug" in fields and fields["slug"] != Event.objects.values_list("slug", flat=True).get(pk=event.pk):
        require(user, Action.CHANGE_EVENT_SLUG, event)
    for name, value in fields.items():
        setattr(event, name, value)
    event.full_clean()
    event.save()
    return event


def _merge_message(kind: str, merged, into) -> str:
    return f"{kind} “{merged}” (#{merged.pk}) merged into “{into}” (#{into.pk})"


def _check_mergeable(merged, into) -> None:
    if merged.pk == into.pk:
        raise ValidationError({"into": _("“%(name)s” cannot be merged into itself.") % {"name": merged}})
    if merged.merged_into_id is not None:
        raise ValidationError(
            _("“%(name)s” was already merged into “%(into)s”.") % {"name": merged, "into": merged.merged_into}
        )
    if into.merged_into_id is not None:
        raise ValidationError(
            {
                "into": _("“%(name)s” was merged into “%(into)s”: merge into that.")
                % {"name": into, "into": into.merged_into}
            }
        )


def _move_claims(user, claim_ids, action: str, rationale: str, move) -> int:
    """Apply ``move(claim)`` (which returns the claim's log changes) to each
    claim of ``claim_ids``, locked, each getting a new version and a log entry,
    so that an edit based on the claim as it was is refused as stale."""
    claims = Claim.objects.select_for_update().filter(pk__in=claim_ids).order_by("pk")
    for claim in claims:
        changes = move(claim)
        claim.version += 1
        claim.save()
        _log(claim, user, action, changes=changes, rationale=rationale)
    if claims:
        # Their flags and grades are recomputed for the survivor, in this transaction.
        claim_changed.send(sender=Claim, claim_ids=[claim.pk for claim in claims], user=user, statement_changed=True)
    return len(claims)


def _lock(model, *rows):
    return {row.pk: row for row in model.objects.select_for_update().filter(pk__in=[r.pk for r in rows]).order_by("pk")}


def _merge_claims_of(model, merged, into, user, *, claim_field: str, presence_field: str, action, kind: str):
    """The part of a merge that parties and places share: lock both rows,
    check they can merge, and move every claim whose ``claim_field`` is
    ``merged``, and every troop presence whose ``presence_field`` is, to
    ``into``, each claim touched getting a new version and a log entry.
    Returns the locked pair."""
    require(user, Action.MERGE_NAMED_ROWS)
    rows = _lock(model, merged, into)
    merged, into = rows[merged.pk], rows[into.pk]
    _check_mergeable(merged, into)
    change = [_loggable(merged), _loggable(into)]

    def move(claim):
        changes = {}
        if getattr(claim, f"{claim_field}_id") == merged.pk:
            setattr(claim, claim_field, into)
            changes[claim_field] = change
        if TroopPresence.objects.filter(claim=claim, **{presence_field: merged}).update(**{presence_field: into}):
            changes[f"troop_presences.{presence_field}"] = change
        return changes

    claim_ids = {
        *Claim.objects.filter(**{claim_field: merged}).values_list("pk", flat=True),
        *TroopPresence.objects.filter(**{presence_field: merged}).values_list("claim_id", flat=True),
    }
    _move_claims(user, claim_ids, action, _merge_message(kind, merged, into), move)
    return merged, into


def _keep_names_as_aliases(merged, into, names, add_alias) -> None:
    """``names`` (the merged row's) find the survivor from now on; ``merged``
    stays, marked merged into it."""
    for name in names:
        key = name_key(name)
        if key and key != into.name_key and not into.aliases.filter(name_key=key).exists():
            add_alias(name=tidy_name(name))
    merged.merged_into = into
    merged.save(update_fields=["merged_into"])


@transaction.atomic
def merge_actors(merged: Actor, into: Actor, user) -> Actor:
    """Make ``merged`` one party with ``into`` (the survivor): every claim it
    makes, every troop presence of it as a force and every party speaking for
    it move to ``into``, each claim touched logging the move; its name and
    aliases become ``into``'s aliases. Nothing is deleted: ``merged`` stays,
    marked merged into ``into``, so that its name and its old id still find
    the survivor (``claims.lookups.survivor``). Returns the survivor."""
    merged, into = _merge_claims_of(
        Actor,
        merged,
        into,
        user,
        claim_field="claimant",
        presence_field="force",
        action=LogAction.PARTY_MERGED,
        kind="Party",
    )
    Actor.objects.filter(affiliation=merged).exclude(pk=into.pk).update(affiliation=into)
    Actor.objects.filter(merged_into=merged).update(merged_into=into)
    # A party's alias is unique overall, so the merged party's aliases move as they are.
    ActorAlias.objects.filter(actor=merged).update(actor=into)
    _keep_names_as_aliases(
        merged, into, (merged.name, merged.name_original), lambda name: ActorAlias.objects.create(actor=into, name=name)
    )
    return into


@transaction.atomic
def merge_places(merged: Place, into: Place, user) -> Place:
    """Make ``merged`` one place with ``into``, as ``merge_actors`` does for
    parties: the claims and troop presences at it, the events at it and the
    places within it move to ``into``, its names become ``into``'s aliases,
    and it stays, marked merged. Returns the survivor."""
    merged, into = _merge_claims_of(
        Place,
        merged,
        into,
        user,
        claim_field="place",
        presence_field="place",
        action=LogAction.PLACE_MERGED,
        kind="Place",
    )
    Event.objects.filter(place=merged).update(place=into)
    Place.objects.filter(parent=merged).exclude(pk=into.pk).update(parent=into)
    Place.objects.filter(merged_into=merged).update(merged_into=into)
    # A place's alias is unique per place only: the merged place keeps its
    # aliases, and the survivor gets each one it lacks.
    names = [*PlaceAlias.objects.filter(place=merged).values_list("name", flat=True), merged.name, merged.name_original]
    _keep_names_as_aliases(merged, into, names, lambda name: PlaceAlias.objects.create(place=into, name=name))
    return into


def check_actor_alias(actor: Actor, name: str) -> bool:
    """Whether ``name`` would be a new name of ``actor`` (``False``: it
    already finds it). Raises ``ValidationError`` for an empty name or one
    that already finds another party (merge the two instead)."""
    if not name_key(name):
        raise ValidationError({"name": _("Give the other name.")})
    found = resolve_actor(name)
    if found is not None and found.pk != survivor(actor).pk:
        raise ValidationError(
            {
                "name": _("“%(name)s” is already a name of “%(party)s”: merge the two parties instead.")
                % {"name": name, "party": found}
            }
        )
    return found is None


@transaction.atomic
def add_actor_alias(actor: Actor, user, name: str) -> ActorAlias | None:
    """Give ``actor`` another name, after which that name finds it; ``None``
    when the name finds it already (see ``check_actor_alias``)."""
    require(user, Action.MERGE_NAMED_ROWS)
    if not check_actor_alias(actor, name):
        return None
    alias = ActorAlias(actor=survivor(actor), name=tidy_name(name))
    alias.full_clean()
    alias.save()
    return alias


def check_place_alias(place: Place, name: str) -> bool:
    """As ``check_actor_alias``, for a place (at its precision: a name may
    find places of different precisions)."""
    if not name_key(name):
        raise ValidationError({"name": _("Give the other name.")})
    found = resolve_place(name, survivor(place).precision)
    if found is not None and found.pk != survivor(place).pk:
        raise ValidationError(
            {
                "name": _("“%(name)s” is already a name of “%(place)s”: merge the two places instead.")
                % {"name": name, "place": found}
            }
        )
    return found is None


@transaction.atomic
def add_place_alias(place: Place, user, name: str) -> PlaceAlias | None:
    """Give ``place`` another name; ``None`` when the name finds it already."""
    require(user, Action.MERGE_NAMED_ROWS)
    if not check_place_alias(place, name):
        return None
    alias = PlaceAlias(place=survivor(place), name=tidy_name(name))
    alias.full_clean()
    alias.save()
    return alias
