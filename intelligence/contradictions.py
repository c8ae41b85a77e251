"""Which two claims cannot both be true: pure computation over claims already
read (figures, troop presences with their place's ancestry), no database
access of its own. ``intelligence.flags`` keeps the flags these give.

Figures are compared only within one category and one population. Counts
are cumulative: a lower bound ("exactly 8", "at least 8") holds from the
day it was reported on, an upper bound ("exactly 6", "up to 6") only that
day. So two figures conflict when one's lower bound exceeds the other's
upper bound and was reported on the same day or before; that covers two
different exact counts of the same day, ranges that do not overlap, and "at
least" above an "up to", and leaves alone a toll that grew. A figure
without a date (neither its own "as of" nor the claim's ``stated_on``) is
compared only with another undated one.

Troop presence: a force said to be absent from a place conflicts with the
same force said to be present at that place or at a place within it (a
village of the region), in overlapping periods. A force present somewhere
in a region may well be absent from one of its villages, so that is no
conflict. A period is widened to its precision before comparing: at week
precision to whole weeks (Monday to Sunday), at month precision to whole
months; at day precision it is the days given, so two claims a week apart
do not overlap. A presence with no date of its own is of its claim's
``occurred_on``, else of the day the claim was stated (``stated_on``: "its
forces are not there", said on the 20th, speaks of the 20th); with none of
these it is not compared.
"""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from claims.choices import BoundQualifier, ClaimStatus, Presence, TimePrecision


class ConflictKind:
    FIGURES = "figures"
    PRESENCE = "presence"


@dataclass(frozen=True)
class Conflict:
    """Why two claims cannot both be true. ``key`` names what they disagree
    on, so that a flag is found again when the claims are compared anew;
    ``details`` is what the reason in words is made of."""

    kind: str
    key: str
    details: dict


def lower_bound(figure) -> int | None:
    if figure.qualifier in (BoundQualifier.EXACT, BoundQualifier.AT_LEAST):
        return figure.low
    return None


def upper_bound(figure) -> int | None:
    if figure.qualifier == BoundQualifier.UP_TO:
        return figure.high
    if figure.qualifier == BoundQualifier.EXACT:
        return figure.high if figure.high is not None else figure.low
    return None


def _reported(claim, figure) -> date | None:
    return figure.as_of or claim.stated_on


def _figure_exceeds(claim_a, figure_a, claim_b, figure_b) -> bool:
    """Whether ``figure_a``'s lower bound is above ``figure_b``'s upper bound
    while both hold: a was reported on b's day or before."""
    low, high = lower_bound(figure_a), upper_bound(figure_b)
    if low is None or high is None or low <= high:
        return False
    day_a, day_b = _reported(claim_a, figure_a), _reported(claim_b, figure_b)
    if day_a is None or day_b is None:
        return day_a is None and day_b is None
    return day_a <= day_b


def _figure_details(claim, figure) -> dict:
    day = _reported(claim, figure)
    return {"claim": claim.pk, "figure": figure.display_range, "as_of": day.isoformat() if day else None}


def figure_conflicts(claim_a, claim_b) -> list[Conflict]:
    """The figures of ``claim_a`` and ``claim_b`` that cannot both be true,
    one conflict per category and population at most."""
    conflicts = {}
    for figure_a in claim_a.casualty_figures.all():
        for figure_b in claim_b.casualty_figures.all():
            if (figure_a.category, figure_a.population) != (figure_b.category, figure_b.population):
                continue
            key = f"figures:{figure_a.category}:{figure_a.population}"
            if key in conflicts:
                continue
            for (ca, fa), (cb, fb) in (
                ((claim_a, figure_a), (claim_b, figure_b)),
                ((claim_b, figure_b), (claim_a, figure_a)),
            ):
                if _figure_exceeds(ca, fa, cb, fb):
                    conflicts[key] = Conflict(
                        kind=ConflictKind.FIGURES,
                        key=key,
                        details={
                            "category": figure_a.category,
                            "population": figure_a.population,
                            "higher": _figure_details(ca, fa),
                            "lower": _figure_details(cb, fb),
                        },
                    )
                    break
    return list(conflicts.values())


def widened(start: date, end: date, precision: str) -> tuple[date, date]:
    """The days a period stated at ``precision`` may mean."""
    if precision == TimePrecision.WEEK:
        return start - timedelta(days=start.weekday()), end + timedelta(days=6 - end.weekday())
    if precision == TimePrecision.MONTH:
        return start.replace(day=1), end.replace(day=calendar.monthrange(end.year, end.month)[1])
    return start, end


def period_of(claim, presence) -> tuple[date, date] | None:
    """The days ``presence`` may mean, or ``None`` when it gives no date."""
    start = presence.period_start or claim.occurred_on or claim.stated_on
    if start is None:
        return None
    end = presence.period_end or (claim.occurred_until if presence.period_start is None else None) or start
    return widened(start, max(start, end), presence.time_precision)


def place_and_ancestors(place) -> list[int]:
    """``place``'s id and those of the places it lies within, innermost first."""
    ids, seen = [], set()
    while place is not None and place.pk not in seen:
        ids.append(place.pk)
        seen.add(place.pk)
        place = place.parent
    return ids


def _presence_conflict(claim_absent, absent, claim_present, present) -> Conflict | None:
    if absent.force_id != present.force_id or absent.place_id not in place_and_ancestors(present.place):
        return None
    period_absent, period_present = period_of(claim_absent, absent), period_of(claim_present, present)
    if period_absent is None or period_present is None:
        return None
    if period_absent[0] > period_present[1] or period_present[0] > period_absent[1]:
        return None
    return Conflict(
        kind=ConflictKind.PRESENCE,
        key=f"presence:{absent.force_id}:{absent.place_id}:{present.place_id}",
        details={
            "force": str(absent.force),
            "absent_place": str(absent.place),
            "present_place": str(present.place),
            "absent": {
                "claim": claim_absent.pk,
                "from": period_absent[0].isoformat(),
                "until": period_absent[1].isoformat(),
            },
            "present": {
                "claim": claim_present.pk,
                "from": period_present[0].isoformat(),
                "until": period_present[1].isoformat(),
            },
        },
    )


def presence_conflicts(claim_a, claim_b) -> list[Conflict]:
    """The troop presences of ``claim_a`` and ``claim_b`` that cannot both be true."""
    conflicts = {}
    for presence_a in claim_a.troop_presences.all():
        for presence_b in claim_b.troop_presences.all():
            if presence_a.presence == presence_b.presence:
                continue
            if presence_a.presence == Presence.ABSENT:
                conflict = _presence_conflict(claim_a, presence_a, claim_b, presence_b)
            else:
                conflict = _presence_conflict(claim_b, presence_b, claim_a, presence_a)
            if conflict is not None:
                conflicts.setdefault(conflict.key, conflict)
    return list(conflicts.values())


def comparable(claim) -> bool:
    """Whether ``claim`` takes part: it belongs to an event and is not withdrawn."""
    return claim.event_id is not None and claim.status != ClaimStatus.WITHDRAWN


def conflicts_between(claim_a, claim_b) -> list[Conflict]:
    """Everything that ``claim_a`` and ``claim_b``, two claims of the same
    event, say that cannot both be true."""
    if claim_a.pk == claim_b.pk or not (comparable(claim_a) and comparable(claim_b)):
        return []
    if claim_a.event_id != claim_b.event_id:
        return []
    return figure_conflicts(claim_a, claim_b) + presence_conflicts(claim_a, claim_b)
