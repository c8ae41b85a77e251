"""Bulk import of claims from CSV or JSON.

``parse_csv`` and ``parse_json`` turn a file into ``ImportRow``s of the same
shape; ``import_claims`` submits each row through ``submit_claim`` in its
own savepoint, so that a row goes in whole or not at all, is reported (row
number, column, message) if it cannot, and does not stop the others. Rows
go ``IMPORT_ROWS_PER_TRANSACTION`` to a transaction (``import_rows``), whose
claims are graded and checked for contradictions together when it ends.

Both read what the export writes (``claims.csv_columns``): a CSV file in its
columns, or JSON as a list of objects (or ``{"claims": [...]}``) with the
same keys for the claim and lists ``casualty_figures``, ``troop_presences``
and ``sources`` of objects keyed like the CSV groups. Parties, places and
events are named; ``claims.lookups`` finds them, or the service creates them.
An event is given by its slug (``event``), created with ``event_name`` if no
event has that slug yet.

Every row of a file is accounted for by number: imported, refused with its
errors, or unreadable (a quote never closed runs to the end of the file, and
each line it swallowed is reported). A column or key the import does not know
is refused rather than dropped without a word.
"""

import csv
import datetime
import io
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DatabaseError, transaction
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from sources.normalize import normalize_url
from sources.services import checks_sent_together

from . import bounded_json
from .choices import PlacePrecision, Population, SourceRole
from .csv_columns import CLAIM_COLUMNS, EXPORT_ONLY_COLUMNS, GROUPS, group_column, is_known, undefuse
from .lookups import resolve_event
from .models import Actor, CasualtyFigure, Claim, ClaimSource, Event, Place, TroopPresence
from .permissions import Action, require
from .services import SourceLinkData, changes_told_together, submit_claim

# Where a row's errors go when they belong to no one field.
ROW = "row"

# The csv module refuses a field over 128 KB with an error in mid-row, after
# which it cannot tell where the next row starts. Fields up to the largest
# file the import page takes are read; the models' length limits then say
# which field is too long, row by row.
MAX_CSV_FIELD = 16 * 1024 * 1024
csv.field_size_limit(max(csv.field_size_limit(), MAX_CSV_FIELD))

# The attribute of ``ImportRow`` that holds each group's parts.
_ROW_LISTS = {"figure": "figures", "presence": "presences", "source": "sources"}
# The column a name that the services resolve came from.
_NAMED_COLUMNS = {"claimant_name": "claimant", "place_name": "place", "event_name": "event_name", "force_name": "force"}


class ImportFileError(ValueError):
    """The file as a whole cannot be read (not UTF-8, not JSON, wrong shape,
    columns the import does not know)."""


@dataclass
class Part:
    """A casualty figure, troop presence or source of a row: its values,
    keyed as in ``claims.csv_columns.GROUPS``, and the column or key each
    came under in the file."""

    values: dict
    labels: dict = field(default_factory=dict)

    def label(self, name: str) -> str:
        return self.labels.get(name, name)


@dataclass
class ImportRow:
    """One claim to import. ``number`` is how the file's author finds it:
    the spreadsheet row for CSV (the header is row 1), the position from 1
    for JSON. ``problems`` are what was wrong before its values could be
    read (an unreadable row has no values)."""

    number: int
    values: dict = field(default_factory=dict)
    figures: list[Part] = field(default_factory=list)
    presences: list[Part] = field(default_factory=list)
    sources: list[Part] = field(default_factory=list)
    problems: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class RowResult:
    number: int
    claim: Claim | None = None
    errors: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class ImportReport:
    results: list[RowResult] = field(default_factory=list)

    @property
    def imported(self) -> list[RowResult]:
        return [result for result in self.results if result.claim is not None]

    @property
    def failed(self) -> list[RowResult]:
        return [result for result in self.results if result.claim is None]

    def lines(self) -> list[str]:
        """The report as text, one line per imported row and per error."""
        counts = {"imported": len(self.imported), "total": len(self.results)}
        lines = [_("Imported %(imported)d of %(total)d rows.") % counts]
        for result in self.results:
            row = _("Row %(row)d") % {"row": result.number}
            if result.claim is not None:
                lines.append(f"{row}: " + _("imported as claim %(id)d.") % {"id": result.claim.pk})
            for name, messages in result.errors.items():
                lines.extend(f"{row}: {name}: {message}" for message in messages)
        return lines


class _Errors(dict):
    """Messages by column or key, in the order they were found."""

    def add(self, name: str, message) -> None:
        self.setdefault(name, []).append(str(message))

    def add_validation_error(self, error: ValidationError, label=lambda name: name) -> None:
        if hasattr(error, "error_dict"):
            for name, messages in error.message_dict.items():
                for message in messages:
                    self.add(ROW if name == NON_FIELD_ERRORS else label(name), message)
        else:
            for message in error.messages:
                self.add(ROW, message)


# Reading files


def _text_of(file) -> str:
    content = file.read() if hasattr(file, "read") else file
    if isinstance(content, bytes):
        try:
            # utf-8-sig: spreadsheets often start a UTF-8 CSV with a byte order mark.
            return content.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ImportFileError(_("The file is not UTF-8 text.")) from error
    return content.removeprefix("\ufeff")


def _parts(group: str, items: list[tuple[dict, dict]]) -> list[Part]:
    """The parts of ``group`` that hold any value, from (values, labels) pairs."""
    keys = GROUPS[group][1]
    return [
        Part({key: values.get(key, "") for key in keys}, labels) for values, labels in items if any(values.values())
    ]


def _check_header(columns: list[str]) -> None:
    named = [name for name in columns if name]
    unknown = [name for name in named if not is_known(name)]
    if unknown:
        raise ImportFileError(
            _(
                "The file has columns the import does not know: %(columns)s. Nothing was imported; "
                "rename or remove them (the columns are listed on the import page)."
            )
            % {"columns": ", ".join(unknown)}
        )
    twice = sorted({name for name in named if named.count(name) > 1})
    if twice:
        raise ImportFileError(
            _("The file has these columns more than once: %(columns)s. Nothing was imported.")
            % {"columns": ", ".join(twice)}
        )
    missing = [name for name in ("text", "language") if name not in named]
    if missing:
        raise ImportFileError(
            _("The file has no column %(columns)s. Nothing was imported.") % {"columns": ", ".join(missing)}
        )


def _csv_row(number: int, columns: list[str], cells: list[str]) -> ImportRow:
    row = ImportRow(number)
    problems = _Errors()
    if len(cells) > len(columns):
        problems.add(
            ROW,
            _("This row has %(cells)d cells but the header names %(columns)d columns.")
            % {"cells": len(cells), "columns": len(columns)},
        )
    groups = {}
    for name, cell in zip(columns, cells, strict=False):
        value = undefuse(cell).strip()
        if not name:
            if value:
                problems.add(ROW, _("A value stands under a column without a name: “%(value)s”.") % {"value": value})
            continue
        place = group_column(name)
        if place is None:
            row.values[name] = value
        else:
            group, group_number, key = place
            values, labels = groups.setdefault((group, group_number), ({}, {}))
            values[key], labels[key] = value, name
    row.values = {key: row.values.get(key, "") for key in CLAIM_COLUMNS}
    for group in GROUPS:
        items = [groups[key] for key in sorted(groups) if key[0] == group]
        setattr(row, _ROW_LISTS[group], _parts(group, items))
    row.problems = dict(problems)
    return row


def _unreadable(first_line: int, last_line: int, lines: list[str], error: csv.Error) -> str:
    """Why the row on ``first_line``..``last_line`` of the file could not be read."""
    span = {"first": first_line, "last": last_line, "error": error}
    if last_line >= len(lines) and "".join(lines[first_line - 1 : last_line]).count('"') % 2:
        return (
            _(
                "A quoted value in this row is never closed, so lines %(first)d–%(last)d "
                "(the rest of the file) could not be read. Close the quote and import them again."
            )
            % span
        )
    if first_line == last_line:
        return _("Line %(first)d cannot be read as CSV (%(error)s); check the quotes in this row.") % span
    return _("Lines %(first)d–%(last)d cannot be read as CSV (%(error)s); check the quotes in this row.") % span


def parse_csv(file) -> list[ImportRow]:
    """The rows of a CSV file (bytes, text or a file object), header first,
    in the columns of ``claims.csv_columns``. Raises ``ImportFileError`` if
    the header cannot be taken; a row that cannot be read is returned with
    its ``problems``."""
    # Lines end at \n, \r\n or a bare \r (as old spreadsheets write them); a
    # line break inside a quoted value stays in it.
    lines = io.StringIO(_text_of(file), newline="").readlines()
    reader = csv.reader(lines, strict=True)
    try:
        columns = [name.strip() for name in next(reader)]
    except StopIteration:
        raise ImportFileError(_("The file is empty.")) from None
    except csv.Error as error:
        raise ImportFileError(_("The header row cannot be read as CSV: %(error)s") % {"error": error}) from None
    _check_header(columns)
    rows, number = [], 1
    while True:
        first_line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            number += 1
            message = _unreadable(first_line, reader.line_num, lines, error)
            rows.append(ImportRow(number, problems={ROW: [message]}))
            if reader.line_num >= len(lines):
                # Each line the open quote swallowed is a row the author will look for.
                swallowed = _("Not read: this line is inside the quoted value that row %(row)d opens.") % {
                    "row": number
                }
                rows.extend(
                    ImportRow(number + n, problems={ROW: [swallowed]})
                    for n in range(1, reader.line_num - first_line + 1)
                )
                break
            continue
        number += 1
        if any(cell.strip() for cell in cells):
            rows.append(_csv_row(number, columns, cells))
    return rows


def _json_value(value, label: str, problems: _Errors) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    problems.add(label, _("Expected text or a whole number."))
    return ""


def _json_row(number: int, item: dict) -> ImportRow:
    problems = _Errors()
    lists = {group: list_key for group, (list_key, _keys) in GROUPS.items()}
    for key in item:
        if key not in CLAIM_COLUMNS and key not in EXPORT_ONLY_COLUMNS and key not in lists.values():
            problems.add(key, _("The import does not know this key."))
    row = ImportRow(number, values={key: _json_value(item.get(key), key, problems) for key in CLAIM_COLUMNS})
    for group, list_key in lists.items():
        items = item.get(list_key)
        if items in (None, ""):
            items = []
        if not isinstance(items, list) or not all(isinstance(entry, dict) for entry in items):
            problems.add(list_key, _("Expected a list of objects."))
            items = []
        keys = GROUPS[group][1]
        pairs = []
        for index, entry in enumerate(items):
            labels = {key: f"{list_key}[{index}].{key}" for key in keys}
            for key in entry:
                if key not in keys:
                    problems.add(f"{list_key}[{index}].{key}", _("The import does not know this key."))
            pairs.append(({key: _json_value(entry.get(key), labels[key], problems) for key in keys}, labels))
        setattr(row, _ROW_LISTS[group], _parts(group, pairs))
    row.problems = dict(problems)
    return row


def parse_json(data) -> list[ImportRow]:
    """The rows of JSON data: a list of claim objects, or ``{"claims": [...]}``;
    ``data`` may be already decoded, text, bytes or a file object."""
    if isinstance(data, (str, bytes)) or hasattr(data, "read"):
        text = _text_of(data)
        try:
            data = bounded_json.loads(text)
        except bounded_json.JSONTooDeep:
            raise ImportFileError(_("The file nests lists or objects too deeply to hold claims.")) from None
        except ValueError as error:  # not JSON, or NaN or Infinity, which JSON has not
            raise ImportFileError(_("The file is not valid JSON: %(error)s") % {"error": error}) from error
    if isinstance(data, dict) and "claims" in data:
        data = data["claims"]
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise ImportFileError(_("Expected a list of claim objects."))
    return [_json_row(index + 1, item) for index, item in enumerate(data)]


def parse_file(name: str, file) -> list[ImportRow]:
    """The rows of an uploaded or local file: JSON if its name ends in
    ``.json``, CSV otherwise."""
    if name.lower().endswith(".json"):
        return parse_json(file)
    return parse_csv(file)


# Turning a row into what submit_claim takes


def _date(value: str, name: str, errors: _Errors) -> datetime.date | None:
    if not value:
        return None
    try:
        parsed = parse_date(value)
    except ValueError:
        parsed = None
    if parsed is None:
        errors.add(name, _("“%(value)s” is not a date of the form YYYY-MM-DD.") % {"value": value})
    return parsed


def _whole_number(value: str, name: str, errors: _Errors) -> int | None:
    if not value:
        return None
    if not value.isdigit():
        errors.add(name, _("“%(value)s” is not a whole number.") % {"value": value})
        return None
    return int(value)


def _check_fields(row, names: dict, errors: _Errors, label) -> None:
    """Validate the fields ``names`` of the unsaved ``row`` alone; errors go under ``label(field)``."""
    for name, value in names.items():
        setattr(row, name, value)
    try:
        row.clean_fields(exclude=[f.name for f in type(row)._meta.fields if f.name not in names])
    except ValidationError as error:
        errors.add_validation_error(error, label=label)


def _check_precision(value: str, label: str, errors: _Errors) -> None:
    if value and value not in PlacePrecision.values:
        errors.add(label, _("“%(value)s” is not a place precision.") % {"value": value})


def _claim_fields(values: dict, errors: _Errors) -> dict:
    fields = {name: values[name] for name in ("text", "language", "translation")}
    for name in ("kind", "time_precision"):
        if values[name]:
            fields[name] = values[name]
    for name in ("occurred_on", "occurred_until", "stated_on"):
        fields[name] = _date(values[name], name, errors)
    try:
        Claim(**fields).full_clean(exclude=["submitter", "claimant", "place", "event"])
    except ValidationError as error:
        errors.add_validation_error(error)
    fields["claimant_name"] = values["claimant"]
    if values["claimant"]:
        _check_fields(Actor(), {"name": values["claimant"]}, errors, lambda name: "claimant")
    if values["place"]:
        fields["place_name"], fields["place_precision"] = values["place"], values["place_precision"]
        _check_fields(Place(), {"name": values["place"]}, errors, lambda name: "place")
        _check_precision(values["place_precision"], "place_precision", errors)
    slug, name = values["event"], values["event_name"]
    existing = resolve_event(slug=slug) if slug else None
    if existing is not None:
        fields["event"] = existing
    elif slug and not name:
        errors.add(
            "event",
            _("There is no event with the slug “%(slug)s”; give its name in event_name to create it.") % {"slug": slug},
        )
    elif name:
        fields["event_name"], fields["event_slug"] = name, slug
        checked = {"name": name, **({"slug": slug} if slug else {})}
        _check_fields(Event(), checked, errors, lambda field: "event" if field == "slug" else "event_name")
    return fields


def _figure(part: Part, errors: _Errors) -> dict:
    values = part.values
    unreadable = _Errors()
    figure = {
        "category": values["category"],
        "population": values["population"] or Population.ALL,
        "qualifier": values["qualifier"],
        "low": _whole_number(values["low"], part.label("low"), unreadable),
        "high": _whole_number(values["high"], part.label("high"), unreadable),
        "as_of": _date(values["as_of"], part.label("as_of"), unreadable),
    }
    if unreadable:
        # A bound that could not be read would only add "needs a bound" noise below.
        errors.update(unreadable)
        return figure
    try:
        CasualtyFigure(**figure).full_clean(exclude=["claim"])
    except ValidationError as error:
        errors.add_validation_error(error, label=part.label)
    return figure


def _presence(part: Part, errors: _Errors) -> dict:
    values = part.values
    presence = {
        "force_name": values["force"],
        "place_name": values["place"],
        "place_precision": values["place_precision"],
        "presence": values["presence"],
        "period_start": _date(values["period_start"], part.label("period_start"), errors),
        "period_end": _date(values["period_end"], part.label("period_end"), errors),
    }
    if values["time_precision"]:
        presence["time_precision"] = values["time_precision"]
    for key, model in (("force", Actor()), ("place", Place())):
        # Blank is refused here too: a presence needs both.
        _check_fields(model, {"name": values[key]}, errors, lambda name, key=key: part.label(key))
    _check_precision(values["place_precision"], part.label("place_precision"), errors)
    own = {
        key: value
        for key, value in presence.items()
        if key in ("presence", "period_start", "period_end", "time_precision")
    }
    try:
        TroopPresence(**own).full_clean(exclude=["claim", "force", "place"])
    except ValidationError as error:
        errors.add_validation_error(error, label=part.label)
    return presence


def _source(part: Part, errors: _Errors) -> SourceLinkData:
    values = part.values
    try:
        normalize_url(values["url"])
    except ValidationError as error:
        for message in error.messages:
            errors.add(part.label("url"), message)
    role = values["role"] or SourceRole.ORIGIN
    if role not in SourceRole.values:
        errors.add(part.label("role"), _("“%(role)s” is not a source role.") % {"role": role})
    _check_fields(ClaimSource(), {"quoted_passage": values["quoted_passage"]}, errors, part.label)
    return SourceLinkData(url=values["url"], role=role, quoted_passage=values["quoted_passage"])


def import_row(user, row: ImportRow, *, keep_duplicates: bool = False) -> RowResult:
    """Submit one row in a savepoint of its own; its claim, or why not.

    A row that states what an existing claim (or an earlier row) states is
    refused with the claims it may repeat, as the submit page would warn,
    unless ``keep_duplicates``: a restore of an export keeps every row."""
    errors = _Errors(row.problems)
    if not row.values:
        return RowResult(row.number, errors=dict(errors))
    fields = _claim_fields(row.values, errors)
    figures = [_figure(part, errors) for part in row.figures]
    presences = [_presence(part, errors) for part in row.presences]
    sources = [_source(part, errors) for part in row.sources]
    if errors:
        return RowResult(row.number, errors=dict(errors))
    try:
        with transaction.atomic():
            claim = submit_claim(
                user,
                fields=fields,
                figures=figures,
                presences=presences,
                sources=sources,
                refuse_duplicates=not keep_duplicates,
            )
    except ValidationError as error:
        errors.add_validation_error(error, label=lambda name: _NAMED_COLUMNS.get(name, name))
    except DatabaseError as error:
        # The savepoint is rolled back; the row is reported and the import goes on.
        errors.add(ROW, str(error).strip())
    if errors:
        return RowResult(row.number, errors=dict(errors))
    return RowResult(row.number, claim=claim)


def import_rows(user, rows: list[ImportRow], *, keep_duplicates: bool = False) -> list[RowResult]:
    """Submit ``rows`` (see ``import_row``) in one transaction, each in a
    savepoint of its own; the apps above are told of their claims together
    before it commits. At most ``IMPORT_ROWS_PER_TRANSACTION`` rows at once:
    a transaction holds the parties and places its rows created until it ends.
    Should the telling fail on the database's side, the rows are submitted
    again one by one, each told of alone, so that one row's claim that trips
    up a receiver is refused by itself rather than taking the others down."""
    try:
        with transaction.atomic(), changes_told_together():
            return [import_row(user, row, keep_duplicates=keep_duplicates) for row in rows]
    except DatabaseError:
        return [import_row(user, row, keep_duplicates=keep_duplicates) for row in rows]


def import_claims(user, rows: list[ImportRow], *, keep_duplicates: bool = False) -> ImportReport:
    """Submit each of ``rows`` as a claim by ``user`` (see ``import_row``);
    report every row.

    Raises ``PermissionDenied`` unless ``user`` may import claims. Rows are
    independent: each succeeds or fails whole, and a failure does not stop
    the others.
    """
    require(user, Action.IMPORT_CLAIMS)
    size = settings.IMPORT_ROWS_PER_TRANSACTION
    results = []
    with checks_sent_together():
        for start in range(0, len(rows), size):
            results += import_rows(user, rows[start : start + size], keep_duplicates=keep_duplicates)
    return ImportReport(results)
