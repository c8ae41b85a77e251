"""The claim list as CSV, filtered like the list page.

The file is streamed row by row from a server-side cursor, so exporting
every claim neither holds the whole table in memory nor times out before
the first byte. Cells that a spreadsheet would run as a formula are
defused, since claim text and source URLs come from the outside world.
"""

import csv

from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest, StreamingHttpResponse
from django.utils import timezone

from .filters import ClaimFilterSet
from .models import Claim
from .permissions import Action, require

CHUNK_SIZE = 2000

COLUMNS = (
    "id",
    "status",
    "kind",
    "language",
    "text",
    "translation",
    "claimant",
    "event",
    "place",
    "occurred_on",
    "casualty_figures",
    "source_urls",
    "submitter",
    "created_at",
    "updated_at",
)

# What Excel, LibreOffice and Google Sheets treat as the start of a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# Excel reads a CSV as UTF-8 only when it starts with a byte order mark;
# without it, Chinese, Armenian or Russian claim text comes out garbled.
_BYTE_ORDER_MARK = "\ufeff"


class _Echo:
    """A file-like object whose ``write`` hands the line back, so that
    ``csv.writer`` can feed a generator instead of a buffer."""

    def write(self, value):
        return value


def defuse(value) -> str:
    """``value`` as CSV cell text, quoted with ``'`` if a spreadsheet would
    otherwise run it as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_STARTS):
        return "'" + text
    return text


def _isoformat(value):
    return value.isoformat() if value is not None else ""


def claim_row(claim: Claim) -> list[str]:
    """One claim as the cells of ``COLUMNS``; expects ``Claim.objects.for_list()``."""
    live_links = [link for link in claim.source_links.all() if link.withdrawn_at is None]
    cells = [
        claim.pk,
        claim.status,
        claim.kind,
        claim.language,
        claim.text,
        claim.translation,
        claim.claimant.name if claim.claimant else "",
        claim.event.slug if claim.event else "",
        claim.place.name if claim.place else "",
        _isoformat(claim.occurred_on),
        "; ".join(str(figure) for figure in claim.casualty_figures.all()),
        " ".join(link.source.url for link in live_links),
        claim.submitter.get_username(),
        _isoformat(claim.created_at),
        _isoformat(claim.updated_at),
    ]
    return [defuse(cell) for cell in cells]


def csv_lines(queryset):
    """The CSV text of ``queryset``, one line at a time, header first."""
    writer = csv.writer(_Echo())
    yield _BYTE_ORDER_MARK + writer.writerow(COLUMNS)
    # iterator() with a chunk size still runs for_list()'s prefetches, one
    # batch of queries per chunk.
    for claim in queryset.iterator(chunk_size=CHUNK_SIZE):
        yield writer.writerow(claim_row(claim))


@login_required
def export_claims_csv(request):
    """The claims matching the list filters in ``request.GET``, as a CSV download."""
    require(request.user, Action.VIEW_INTERNAL)
    filters = ClaimFilterSet(request.GET, queryset=Claim.objects.for_list())
    if not filters.is_valid():
        # Exporting everything when a filter was misread would hand out more than was asked for.
        return HttpResponseBadRequest(filters.errors.as_text(), content_type="text/plain; charset=utf-8")
    response = StreamingHttpResponse(csv_lines(filters.qs), content_type="text/csv; charset=utf-8")
    filename = f"claims-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
