"""The claim list as CSV, filtered like the list page, in the columns the
import reads back (``claims.csv_columns``).

The file is streamed row by row from a server-side cursor, so exporting
every claim neither holds the whole table in memory nor times out before
the first byte; only the number of figure, presence and source columns is
asked for first. Cells that a spreadsheet would run as a formula are
defused, since claim text and source URLs come from the outside world.
"""

import csv

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Max
from django.http import HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.utils import timezone

from .csv_columns import defuse, header
from .filters import ClaimFilterSet
from .models import CasualtyFigure, Claim, ClaimSource, TroopPresence
from .permissions import Action, require

CHUNK_SIZE = 2000

# Excel reads a CSV as UTF-8 only when it starts with a byte order mark;
# without it, Chinese, Armenian or Russian claim text comes out garbled.
_BYTE_ORDER_MARK = "\ufeff"


class _Echo:
    """A file-like object whose ``write`` hands the line back, so that
    ``csv.writer`` can feed a generator instead of a buffer."""

    def write(self, value):
        return value


def _isoformat(value):
    return value.isoformat() if value is not None else ""


def _most_per_claim(rows, claims) -> int:
    """The most ``rows`` any one of ``claims`` has; at least 1, so that a
    file always shows the columns of each group."""
    per_claim = rows.filter(claim__in=claims.values("pk")).values("claim").annotate(n=Count("pk")).order_by()
    return max(per_claim.aggregate(most=Max("n"))["most"] or 0, 1)


def group_sizes(claims) -> tuple[int, int, int]:
    """How many figure, presence and source groups the file of ``claims`` needs."""
    return (
        _most_per_claim(CasualtyFigure.objects.all(), claims),
        _most_per_claim(TroopPresence.objects.all(), claims),
        _most_per_claim(ClaimSource.objects.filter(withdrawn_at__isnull=True), claims),
    )


def _padded(cells_per_item: list[list], count: int, width: int) -> list:
    cells = [cell for item in cells_per_item for cell in item]
    return cells + [""] * (count * width - len(cells))


def claim_row(claim: Claim, sizes: tuple[int, int, int]) -> list[str]:
    """One claim as the cells of ``header(*sizes)``; expects ``Claim.objects.for_export()``."""
    figures, presences, sources = sizes
    cells = [
        claim.pk,
        claim.status,
        claim.text,
        claim.language,
        claim.translation,
        claim.kind,
        claim.claimant.name if claim.claimant else "",
        claim.place.name if claim.place else "",
        claim.place.precision if claim.place else "",
        claim.event.slug if claim.event else "",
        claim.event.name if claim.event else "",
        _isoformat(claim.occurred_on),
        _isoformat(claim.occurred_until),
        claim.time_precision,
        _isoformat(claim.stated_on),
    ]
    cells += _padded(
        [
            [f.category, f.population, f.qualifier, f.low, f.high, _isoformat(f.as_of)]
            for f in claim.casualty_figures.all()
        ],
        figures,
        6,
    )
    cells += _padded(
        [
            [
                p.force.name,
                p.place.name,
                p.place.precision,
                p.presence,
                _isoformat(p.period_start),
                _isoformat(p.period_end),
                p.time_precision,
            ]
            for p in claim.troop_presences.all()
        ],
        presences,
        7,
    )
    cells += _padded([[link.source.url, link.role, link.quoted_passage] for link in claim.live_links], sources, 3)
    cells += [claim.submitter.get_username(), _isoformat(claim.created_at), _isoformat(claim.updated_at)]
    grade = getattr(claim, "grade", None)
    cells += [grade.grade, grade.reasons] if grade else ["", ""]
    return [defuse(cell) for cell in cells]


def csv_lines(claims):
    """The CSV text of ``claims`` (a ``for_export()`` queryset), one line at a time, header first."""
    writer = csv.writer(_Echo())
    sizes = group_sizes(claims)
    yield _BYTE_ORDER_MARK + writer.writerow(header(*sizes))
    # iterator() with a chunk size still runs the prefetches, one batch of queries per chunk.
    for claim in claims.iterator(chunk_size=CHUNK_SIZE):
        yield writer.writerow(claim_row(claim, sizes))


@login_required
def export_claims_csv(request):
    """The claims matching the list filters in ``request.GET``, as a CSV download."""
    require(request.user, Action.VIEW_INTERNAL)
    filters = ClaimFilterSet(request.GET, queryset=Claim.objects.for_export())
    if not filters.is_valid():
        # Exporting everything when a filter was misread would hand out more than was asked for.
        return HttpResponseBadRequest(filters.errors.as_text(), content_type="text/plain; charset=utf-8")
    response = StreamingHttpResponse(csv_lines(filters.qs), content_type="text/csv; charset=utf-8")
    filename = f"claims-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def import_template_csv(request):
    """An empty import file: the header, with one group of figure, presence
    and source columns (add ``figure2_…`` and so on for more)."""
    require(request.user, Action.IMPORT_CLAIMS)
    writer = csv.writer(_Echo())
    response = HttpResponse(
        _BYTE_ORDER_MARK + writer.writerow(header(1, 1, 1, export_only=False)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="claims-import-template.csv"'
    return response
