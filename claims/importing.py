"""Bulk import of claims from CSV or JSON.

``parse_csv`` and ``parse_json`` turn a file into ``ImportRow``s of the same
shape; ``import_claims`` submits each row through ``submit_claim`` in its own
savepoint, so one bad row is reported (row number, field, message) and the
others still go in. Errors name the column or key the value came from, so
that whoever prepared the file can find and fix it.

CSV columns: text, language, kind, translation, claimant (actor name), event
(slug), occurred_on, stated_on (YYYY-MM-DD); for each of killed, injured and
missing: <category>_low, <category>_high, <category>_qualifier and optionally
<category>_population; source_url, source_quote and optionally source_role.

JSON: a list of objects (or ``{"claims": [...]}``) with the same claim keys,
``casualty_figures`` (a list of {category, population, qualifier, low, high,
as_of}) and ``sources`` (a list of {url, role, quoted_passage}).
"""

import csv
import datetime
import io
import json
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DatabaseError, transaction
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from sources.normalize import normalize_url
from sources.services import checks_sent_together

from .choices import CasualtyCategory, Population, SourceRole
from .lookups import resolve_event
from .models import Actor, CasualtyFigure, Claim, ClaimSource
from .permissions import Action, require
from .services import SourceLinkData, submit_claim

CLAIM_KEYS = ("text", "language", "kind", "translation", "claimant", "event", "occurred_on", "stated_on")
FIGURE_KEYS = ("category", "population", "qualifier", "low", "high", "as_of")
SOURCE_KEYS = ("url", "role", "quoted_passage")
# Where a row's errors go when they belong to no one field.
ROW = "row"


class ImportFileError(ValueError):
    """The file as a whole cannot be read (not UTF-8, not JSON, wrong shape)."""


@dataclass
class Part:
    """A casualty figure or a source of a row: its values, keyed like the
    model's fields, and the name each came under in the file."""

    values: dict
    labels: dict = field(default_factory=dict)

    def label(self, name: str) -> str:
        return self.labels.get(name, name)


@dataclass
class ImportRow:
    """One claim to import. ``number`` is how the file's author finds it:
    the spreadsheet row for CSV (the header is row 1), the position from 1
    for JSON."""

    number: int
    values: dict
    figures: list[Part] = field(default_factory=list)
    sources: list[Part] = field(default_factory=list)


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


def _clean(value) -> str:
    return "" if value is None else str(value).strip()


def parse_csv(file) -> list[ImportRow]:
    """The rows of a CSV file (bytes, text or a file object), header first."""
    reader = csv.DictReader(io.StringIO(_text_of(file)))
    rows = []
    for index, record in enumerate(reader):
        record = {(key or "").strip(): _clean(value) for key, value in record.items() if key is not None}
        if not any(record.values()):
            continue
        figures = []
        for category in CasualtyCategory.values:
            columns = {name: f"{category}_{name}" for name in ("low", "high", "qualifier", "population")}
            values = {name: record.get(column, "") for name, column in columns.items()}
            if any(values.values()):
                figures.append(Part({"category": category, **values}, columns))
        sources = []
        if record.get("source_url"):
            values = {
                "url": record["source_url"],
                "quoted_passage": record.get("source_quote", ""),
                "role": record.get("source_role", ""),
            }
            sources.append(Part(values, {"url": "source_url", "quoted_passage": "source_quote", "role": "source_role"}))
        values = {key: record.get(key, "") for key in CLAIM_KEYS}
        rows.append(ImportRow(number=index + 2, values=values, figures=figures, sources=sources))
    return rows


def _json_parts(items, key: str, names) -> list[Part]:
    if items in (None, ""):
        return []
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise ImportFileError(_("“%(key)s” must be a list of objects.") % {"key": key})
    return [
        Part({name: _clean(item.get(name)) for name in names}, {name: f"{key}[{i}].{name}" for name in names})
        for i, item in enumerate(items)
    ]


def parse_json(data) -> list[ImportRow]:
    """The rows of JSON data: a list of claim objects, or ``{"claims": [...]}``;
    ``data`` may be already decoded, text, bytes or a file object."""
    if isinstance(data, (str, bytes)) or hasattr(data, "read"):
        try:
            data = json.loads(_text_of(data))
        except json.JSONDecodeError as error:
            raise ImportFileError(_("The file is not valid JSON: %(error)s") % {"error": error}) from error
    if isinstance(data, dict) and "claims" in data:
        data = data["claims"]
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise ImportFileError(_("Expected a list of claim objects."))
    return [
        ImportRow(
            number=index + 1,
            values={key: _clean(item.get(key)) for key in CLAIM_KEYS},
            figures=_json_parts(item.get("casualty_figures"), "casualty_figures", FIGURE_KEYS),
            sources=_json_parts(item.get("sources"), "sources", SOURCE_KEYS),
        )
        for index, item in enumerate(data)
    ]


# Turning a row into what submit_claim takes


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


def _claim_fields(row: ImportRow, errors: _Errors) -> dict:
    values = row.values
    fields = {name: values[name] for name in ("text", "language", "translation")}
    if values["kind"]:
        fields["kind"] = values["kind"]
    for name in ("occurred_on", "stated_on"):
        fields[name] = _date(values[name], name, errors)
    if values["event"]:
        fields["event"] = resolve_event(slug=values["event"])
        if fields["event"] is None:
            errors.add("event", _("There is no event with the slug “%(slug)s”.") % {"slug": values["event"]})
    if values["claimant"]:
        try:
            Actor(name=values["claimant"]).full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            errors.add_validation_error(error, label=lambda name: "claimant")
    try:
        Claim(**fields).full_clean(exclude=["submitter", "claimant"])
    except ValidationError as error:
        errors.add_validation_error(error)
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
        "as_of": _date(values.get("as_of", ""), part.label("as_of"), unreadable),
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
    try:
        ClaimSource(quoted_passage=values["quoted_passage"]).clean_fields(
            exclude=[f.name for f in ClaimSource._meta.fields if f.name != "quoted_passage"]
        )
    except ValidationError as error:
        errors.add_validation_error(error, label=part.label)
    return SourceLinkData(url=values["url"], role=role, quoted_passage=values["quoted_passage"])


def _import_row(user, row: ImportRow) -> RowResult:
    errors = _Errors()
    fields = _claim_fields(row, errors)
    figures = [_figure(part, errors) for part in row.figures]
    sources = [_source(part, errors) for part in row.sources]
    if errors:
        return RowResult(row.number, errors=dict(errors))
    try:
        with transaction.atomic():
            claim = submit_claim(
                user, fields={**fields, "claimant_name": row.values["claimant"]}, figures=figures, sources=sources
            )
    except ValidationError as error:
        errors.add_validation_error(error)
    except DatabaseError as error:
        # The savepoint is rolled back; the row is reported and the import goes on.
        errors.add(ROW, str(error).strip())
    if errors:
        return RowResult(row.number, errors=dict(errors))
    return RowResult(row.number, claim=claim)


def import_claims(user, rows: list[ImportRow]) -> ImportReport:
    """Submit each of ``rows`` as a claim by ``user``; report every row.

    Raises ``PermissionDenied`` unless ``user`` may import claims. Rows are
    independent: each succeeds or fails whole, and a failure does not stop
    the others.
    """
    require(user, Action.IMPORT_CLAIMS)
    with checks_sent_together():
        return ImportReport([_import_row(user, row) for row in rows])


def parse_file(name: str, file) -> list[ImportRow]:
    """The rows of an uploaded or local file: JSON if its name ends in
    ``.json``, CSV otherwise."""
    if name.lower().endswith(".json"):
        return parse_json(file)
    return parse_csv(file)
