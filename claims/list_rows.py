"""What each row of the claim list shows, worked out in Python for a whole
page at once, so that the template only writes (and escapes) plain strings.

Written in the template, a page of 25 claims cost more than the rest of the
page: every ``get_..._display`` re-reads its vocabulary's labels through
the translation catalogue, every cell's label was translated again for each
row, and every value went through the template's variable lookups and
filters. Here each vocabulary's labels are read once per page, in the
language of the request.
"""

from dataclasses import dataclass
from datetime import date

from django.utils.text import Truncator

from .choices import CasualtyCategory, ClaimKind, ClaimStatus, EvidenceGrade

# How much of a claim's text and translation a row shows, and of a source's outlet or address.
TEXT_CHARACTERS = 140
SOURCE_CHARACTERS = 30
# What an empty cell shows.
NOTHING = "—"


@dataclass(frozen=True)
class ClaimRow:
    url: str
    text: str
    language: str
    translation: str
    kind: str
    claimant: str
    figures: list[str]
    sources: list[str]
    occurred_on: str
    stated_on: str
    status: str
    status_label: str
    # The grade's value (a CSS class) and its label and reasons in words; empty when not graded.
    grade: str
    grade_label: str
    grade_reasons: str


def claim_rows(claims) -> list[ClaimRow]:
    """The rows of ``claims``, which should come from
    ``Claim.objects.for_list()`` so that reading them makes no query per claim."""
    labels = _Labels()
    return [_row(claim, labels) for claim in claims]


class _Labels:
    """Each vocabulary's labels as strings, in the active language."""

    def __init__(self):
        self.kind = _strings(ClaimKind)
        self.status = _strings(ClaimStatus)
        self.grade = _strings(EvidenceGrade)
        self.category = _strings(CasualtyCategory)


def _strings(choices) -> dict[str, str]:
    return {value: str(label) for value, label in choices.choices}


def _row(claim, labels: _Labels) -> ClaimRow:
    grade = getattr(claim, "grade", None)  # a claim not graded yet has none
    return ClaimRow(
        url=claim.get_absolute_url(),
        text=_truncated(claim.text, TEXT_CHARACTERS),
        language=claim.language,
        translation=_truncated(claim.translation, TEXT_CHARACTERS),
        kind=labels.kind.get(claim.kind, claim.kind),
        claimant=str(claim.claimant) if claim.claimant else NOTHING,
        figures=[
            f"{labels.category.get(figure.category, figure.category)} {figure.display_range}"
            for figure in claim.casualty_figures.all()
        ],
        sources=[_source(link.source) for link in claim.source_links.all()],
        occurred_on=_day(claim.occurred_on),
        stated_on=_day(claim.stated_on),
        status=claim.status,
        status_label=labels.status.get(claim.status, claim.status),
        grade=grade.grade if grade else "",
        grade_label=labels.grade.get(grade.grade, grade.grade) if grade else "",
        grade_reasons=grade.reasons if grade else "",
    )


def _source(source) -> str:
    """A source by its outlet, else its address."""
    return _truncated(str(source.outlet or source.url), SOURCE_CHARACTERS)


def _truncated(text: str, characters: int) -> str:
    """As the template filter ``truncatechars`` cuts it."""
    return Truncator(text).chars(characters) if text else ""


def _day(day: date | None) -> str:
    return day.isoformat() if day else NOTHING
