"""A claim log entry in words, in the page's language, for the timeline.

The log keeps values (``changes``, written by ``claims.services`` and
``claims.workflow``); this module says them: a headline per action, and for
an edit each field's old and new value side by side, figures as
"≥ 27 killed (civilians)". Every action of ``LogAction`` has its headline
(``HEADLINES``), so no entry is shown as a raw structure.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .choices import ClaimKind, ClaimStatus, Language, LogAction, SourceRole, Stance, TimePrecision
from .models import CasualtyFigure, ClaimLogEntry

# What a field of an edit is called on the page.
FIELD_LABELS = {
    "text": gettext_lazy("Text"),
    "language": gettext_lazy("Language"),
    "translation": gettext_lazy("Translation"),
    "kind": gettext_lazy("Kind"),
    "claimant": gettext_lazy("Claimant"),
    "event": gettext_lazy("Event"),
    "place": gettext_lazy("Place"),
    "occurred_on": gettext_lazy("Refers to date"),
    "occurred_until": gettext_lazy("Refers to date, until"),
    "time_precision": gettext_lazy("Date precision"),
    "stated_on": gettext_lazy("Stated on"),
    "casualty_figures": gettext_lazy("Casualty figures"),
    "troop_presences": gettext_lazy("Troop presence"),
    "troop_presences.force": gettext_lazy("A troop presence's force"),
}

# Fields whose logged value is a choice, said by its label.
_CHOICES = {"language": Language, "kind": ClaimKind, "time_precision": TimePrecision}


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class Wording:
    headline: str
    detail: str = ""  # a source's address, shown as a link
    changes: list[FieldChange] = field(default_factory=list)


def figure_in_words(figure) -> str:
    """A casualty figure as the log recorded it: a dict of its fields (or, in
    entries older than that, the text it was logged as)."""
    if not isinstance(figure, dict):
        return str(figure)
    unsaved = CasualtyFigure(
        category=figure.get("category", ""),
        population=figure.get("population", ""),
        qualifier=figure.get("qualifier", ""),
        low=figure.get("low"),
        high=figure.get("high"),
    )
    return _("%(range)s %(category)s (%(population)s)") % {
        "range": unsaved.display_range,
        "category": str(unsaved.get_category_display()).lower(),
        "population": str(unsaved.get_population_display()).lower(),
    }


def _value_in_words(name: str, value) -> str:
    if value in (None, "", []):
        return "—"
    if name in _CHOICES and value in _CHOICES[name].values:
        return str(_CHOICES[name](value).label)
    if name == "casualty_figures":
        return "; ".join(figure_in_words(figure) for figure in value)
    if isinstance(value, list):
        return "; ".join(str(item) for item in value)
    if isinstance(value, dict):
        return str(value.get("label", "—"))
    return str(value)


def _edit_changes(changes: dict) -> list[FieldChange]:
    return [
        FieldChange(
            label=_("%(field)s changed") % {"field": FIELD_LABELS.get(name, name)},
            old=_value_in_words(name, old),
            new=_value_in_words(name, new),
        )
        for name, (old, new) in changes.items()
    ]


def _label(choices, value) -> str:
    return str(choices(value).label) if value in choices.values else str(value or "—")


def _status_changed(entry):
    return Wording(
        _("Status changed: %(old)s → %(new)s")
        % {"old": _label(ClaimStatus, entry.from_status), "new": _label(ClaimStatus, entry.to_status)}
    )


def _assigned(entry):
    old, new = (_value_in_words("assignee", value) for value in entry.changes.get("assignee", [None, None]))
    if new == "—":
        return Wording(_("No longer assigned (was %(name)s)") % {"name": old})
    return Wording(_("Assigned to %(name)s") % {"name": new})


HEADLINES = {
    LogAction.CREATED: lambda entry: Wording(_("Submitted the claim")),
    LogAction.EDITED: lambda entry: Wording(_("Edited the claim"), changes=_edit_changes(entry.changes)),
    LogAction.STATUS_CHANGED: _status_changed,
    LogAction.SOURCE_LINKED: lambda entry: Wording(
        _("Source linked as %(role)s") % {"role": _label(SourceRole, entry.changes.get("role")).lower()},
        detail=entry.changes.get("source", ""),
    ),
    LogAction.SOURCE_WITHDRAWN: lambda entry: Wording(_("Source withdrawn"), detail=entry.changes.get("source", "")),
    LogAction.EVIDENCE_ADDED: lambda entry: Wording(
        _("Evidence added: %(stance)s") % {"stance": _label(Stance, entry.changes.get("stance")).lower()}
    ),
    LogAction.EVIDENCE_WITHDRAWN: lambda entry: Wording(_("Evidence withdrawn")),
    LogAction.ASSIGNED: _assigned,
    LogAction.PARTY_MERGED: lambda entry: Wording(_("Parties merged"), changes=_edit_changes(entry.changes)),
    LogAction.PLACE_MERGED: lambda entry: Wording(_("Places merged"), changes=_edit_changes(entry.changes)),
    # The reason was worded when the flag was written (``intelligence.models``), in that writer's language.
    LogAction.CONTRADICTION_FLAGGED: lambda entry: Wording(
        _("Contradicts claim #%(other)s: %(reason)s")
        % {"other": entry.changes.get("other_claim"), "reason": entry.changes.get("reason", "")}
    ),
    LogAction.CONTRADICTION_EXPLAINED: lambda entry: Wording(
        _("Contradiction with claim #%(other)s explained") % {"other": entry.changes.get("other_claim")}
    ),
    LogAction.CONTRADICTION_RESOLVED: lambda entry: Wording(
        _("No longer contradicts claim #%(other)s") % {"other": entry.changes.get("other_claim")}
    ),
}


def describe(entry: ClaimLogEntry) -> Wording:
    """``entry`` in words, in the active language."""
    return HEADLINES[entry.action](entry)
