"""Competing casualty figures of one event, reconciled: pure computation over
claims already read (their figures, claimant and live source links
prefetched), no database access of its own.

Figures are compared only within one category and one population: "6
killed, all" and "4 killed, military" are different counts, never weighed
against each other. Within a group, each party (the claimant's actor row:
after a merge, the survivor) has its reports in the order of their "as of"
date (the figure's own, else the claim's ``stated_on``).

What the bounds imply together rests on one fact about tolls: a cumulative
count only grows. A lower bound ("at least 6", "exactly 6") therefore still
holds after it was reported; an upper bound ("up to 8", "exactly 8") holds
only when it was reported, as the toll may have grown since. So the highest
lower bound is taken over every report, and the lowest upper bound over the
reports not older than the one that gave the highest lower bound; the two
are consistent when the lower does not exceed the upper. "About" gives no
hard bound. Withdrawn claims take no part.
"""

from dataclasses import dataclass, field
from datetime import date

from claims.choices import BoundQualifier, CasualtyCategory, ClaimStatus, Population


@dataclass(frozen=True)
class Report:
    """One figure as one party reported it."""

    claim_id: int
    claim_url: str
    party_id: int | None
    party: str
    category: str
    population: str
    qualifier: str
    low: int | None
    high: int | None
    as_of: date | None
    source_url: str
    source_label: str
    display: str

    @property
    def qualifier_label(self) -> str:
        return BoundQualifier(self.qualifier).label

    @property
    def lower_bound(self) -> int | None:
        """The count the toll is at least, if the report says so."""
        if self.qualifier in (BoundQualifier.EXACT, BoundQualifier.AT_LEAST):
            return self.low
        return None

    @property
    def upper_bound(self) -> int | None:
        """The count the toll is at most when reported, if the report says so."""
        if self.qualifier == BoundQualifier.UP_TO:
            return self.high
        if self.qualifier == BoundQualifier.EXACT:
            return self.high if self.high is not None else self.low
        return None

    @property
    def value(self) -> int:
        """The one number that stands for the report in a chart: its low
        bound, or its high one for "up to"."""
        return self.low if self.low is not None else self.high


@dataclass(frozen=True)
class Decrease:
    """A party's toll that went down: ``later`` reports less than ``earlier``."""

    party: str
    earlier: Report
    later: Report


@dataclass
class Reconciliation:
    """Every report of one category and population, and what they imply."""

    category: str
    population: str
    reports: list[Report]
    lowest: int
    highest: int
    first_reported: date | None
    last_reported: date | None
    highest_lower_bound: Report | None
    lowest_upper_bound: Report | None
    decreases: list[Decrease] = field(default_factory=list)

    @property
    def category_label(self) -> str:
        return CasualtyCategory(self.category).label

    @property
    def population_label(self) -> str:
        return Population(self.population).label

    @property
    def consistent(self) -> bool:
        if self.highest_lower_bound is None or self.lowest_upper_bound is None:
            return True
        return self.highest_lower_bound.lower_bound <= self.lowest_upper_bound.upper_bound

    def by_party(self) -> list[tuple[str, list[Report]]]:
        """The reports grouped by party, parties in the order they first reported."""
        parties: dict = {}
        for report in self.reports:
            parties.setdefault((report.party_id, report.party), []).append(report)
        return [(party, reports) for (_id, party), reports in parties.items()]


def _date_key(report: Report):
    # Undated reports go first: nothing says they came after anything.
    return (report.as_of is not None, report.as_of or date.min, report.claim_id)


def reports_of(claims) -> list[Report]:
    """The figures of ``claims`` (not withdrawn) as reports."""
    reports = []
    for claim in claims:
        if claim.status == ClaimStatus.WITHDRAWN:
            continue
        live = [link for link in claim.source_links.all() if link.withdrawn_at is None]
        source = live[0].source if live else None
        for figure in claim.casualty_figures.all():
            reports.append(
                Report(
                    claim_id=claim.pk,
                    claim_url=claim.get_absolute_url(),
                    party_id=claim.claimant_id,
                    party=claim.claimant.name if claim.claimant else "",
                    category=figure.category,
                    population=figure.population,
                    qualifier=figure.qualifier,
                    low=figure.low,
                    high=figure.high,
                    as_of=figure.as_of or claim.stated_on,
                    source_url=source.url if source else "",
                    source_label=str(source.outlet or source.url) if source else "",
                    display=figure.display_range,
                )
            )
    return reports


def _decreases(reports: list[Report]) -> list[Decrease]:
    """Where a party reported less than it had on an earlier date."""
    found = []
    parties: dict = {}
    for report in reports:
        if report.as_of is not None:
            parties.setdefault(report.party_id, []).append(report)
    for party_reports in parties.values():
        highest = None
        for report in party_reports:  # already in date order
            if highest is not None and highest.as_of < report.as_of and report.value < highest.value:
                found.append(Decrease(party=report.party, earlier=highest, later=report))
            if highest is None or report.value >= highest.value:
                highest = report
    return found


def reconcile_group(category: str, population: str, reports: list[Report]) -> Reconciliation:
    """What the ``reports`` of one category and population imply together."""
    reports = sorted(reports, key=_date_key)
    lowers = [report for report in reports if report.lower_bound is not None]
    highest_lower = max(lowers, key=lambda report: report.lower_bound, default=None)
    uppers = [
        report
        for report in reports
        if report.upper_bound is not None
        and (
            highest_lower is None
            or highest_lower.as_of is None
            or report.as_of is None
            or report.as_of >= highest_lower.as_of
        )
    ]
    lowest_upper = min(uppers, key=lambda report: report.upper_bound, default=None)
    values = [bound for report in reports for bound in (report.low, report.high) if bound is not None]
    dates = [report.as_of for report in reports if report.as_of is not None]
    return Reconciliation(
        category=category,
        population=population,
        reports=reports,
        lowest=min(values),
        highest=max(values),
        first_reported=min(dates, default=None),
        last_reported=max(dates, default=None),
        highest_lower_bound=highest_lower,
        lowest_upper_bound=lowest_upper,
        decreases=_decreases(reports),
    )


def reconcile(claims) -> list[Reconciliation]:
    """One reconciliation per category and population that ``claims`` report,
    in the order of the vocabularies (killed before injured, all before civilians)."""
    groups: dict = {}
    for report in reports_of(claims):
        groups.setdefault((report.category, report.population), []).append(report)
    order = {value: index for index, value in enumerate(CasualtyCategory.values + Population.values)}
    return [
        reconcile_group(category, population, reports)
        for (category, population), reports in sorted(
            groups.items(), key=lambda item: (order[item[0][0]], order[item[0][1]])
        )
    ]
