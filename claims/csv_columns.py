"""The columns of a claims CSV file: what the export writes and the import
reads, named once here so that a file the export wrote imports back whole.

A claim is one row. Its own values have a column each (``CLAIM_COLUMNS``);
its casualty figures, troop presences and sources are numbered groups of
columns (``figure1_category``, ``figure1_low``, …, ``source2_url``), as
many groups as the claim with the most of them needs. The keys are the
models' field names, and the same as the keys of a JSON import. The export
also writes ``EXPORT_ONLY_COLUMNS``, which say where a claim came from and
how well it is sourced (its evidence grade and the grade's reasons); the
import reads past them, since an imported claim is new, unverified,
submitted by whoever imports it and graded from its own sources.

Cells are written defused (``defuse``): a cell that a spreadsheet would run
as a formula starts with ``'``, which the import takes off again
(``undefuse``).
"""

import re

CLAIM_COLUMNS = (
    "text",
    "language",
    "translation",
    "kind",
    "claimant",
    "place",
    "place_precision",
    "event",
    "event_name",
    "occurred_on",
    "occurred_until",
    "time_precision",
    "stated_on",
)
GRADE_COLUMNS = ("evidence_grade", "evidence_grade_reasons")
EXPORT_ONLY_COLUMNS = ("id", "status", "submitter", "created_at", "updated_at", *GRADE_COLUMNS)

# Each group: its column prefix, the key of its list in JSON, and its parts.
FIGURE_KEYS = ("category", "population", "qualifier", "low", "high", "as_of")
PRESENCE_KEYS = ("force", "place", "place_precision", "presence", "period_start", "period_end", "time_precision")
SOURCE_KEYS = ("url", "role", "quoted_passage")
GROUPS = {
    "figure": ("casualty_figures", FIGURE_KEYS),
    "presence": ("troop_presences", PRESENCE_KEYS),
    "source": ("sources", SOURCE_KEYS),
}
_GROUP_COLUMN = re.compile(r"(?P<group>figure|presence|source)(?P<number>[1-9][0-9]{0,3})_(?P<key>[a-z_]+)")

# What Excel, LibreOffice and Google Sheets treat as the start of a formula,
# and the quote that defuses it (a cell that starts with it is quoted too,
# so that taking one off always gives back what was written).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_DEFUSING_QUOTE = "'"


def group_columns(group: str, count: int) -> list[str]:
    """The columns of ``count`` numbered groups of ``group`` ("figure", "presence", "source")."""
    keys = GROUPS[group][1]
    return [f"{group}{number}_{key}" for number in range(1, count + 1) for key in keys]


def header(figures: int, presences: int, sources: int, *, export_only: bool = True) -> list[str]:
    """The columns of a file whose claims have at most that many figures,
    presences and sources; with ``EXPORT_ONLY_COLUMNS`` unless told not to
    (an import template has no use for them)."""
    columns = [
        *CLAIM_COLUMNS,
        *group_columns("figure", figures),
        *group_columns("presence", presences),
        *group_columns("source", sources),
    ]
    if export_only:
        columns = ["id", "status", *columns, "submitter", "created_at", "updated_at", *GRADE_COLUMNS]
    return columns


def group_column(name: str) -> tuple[str, int, str] | None:
    """``(group, number, key)`` if ``name`` is a column of a numbered group
    ("figure2_low" is ("figure", 2, "low")), else ``None``."""
    match = _GROUP_COLUMN.fullmatch(name)
    if match is None or match["key"] not in GROUPS[match["group"]][1]:
        return None
    return match["group"], int(match["number"]), match["key"]


def is_known(name: str) -> bool:
    return name in CLAIM_COLUMNS or name in EXPORT_ONLY_COLUMNS or group_column(name) is not None


def defuse(value) -> str:
    """``value`` as CSV cell text, quoted with ``'`` if a spreadsheet would
    otherwise run it as a formula."""
    text = "" if value is None else str(value)
    if text.startswith((*_FORMULA_STARTS, _DEFUSING_QUOTE)):
        return _DEFUSING_QUOTE + text
    return text


def undefuse(cell: str) -> str:
    """The value ``defuse`` turned into ``cell``."""
    if cell.startswith(_DEFUSING_QUOTE) and cell[1:].startswith((*_FORMULA_STARTS, _DEFUSING_QUOTE)):
        return cell[1:]
    return cell
