"""What the claims do when the sources app reports (``sources.signals``):
once a batch of checks finishes, every live link to a checked source records
whether its page carries the quoted passage and the claim's figures; and
the retention of the check history keeps what the claims rest on.

Connected in ``ClaimsConfig.ready``. The signal comes inside the batch's
finishing transaction with the whole batch, so the links of all its sources
are read in one query and written in one round trip.
"""

from django.dispatch import receiver

from sources.bulk import update_fields
from sources.models import SourceCheck
from sources.signals import HistoryPins, checks_finished, history_pins

from .choices import QuoteMatch
from .matching import SearchablePage
from .models import ClaimSource, Evidence, VanishedFlag, Verdict
from .vanished import FOUND_FIELDS, track

MATCH_FIELDS = [
    "quote_match",
    "figures_match",
    "matched_excerpt",
    "matched_check",
    "figures_missing",
    "closest_passage",
    "closest_alike",
]


@receiver(checks_finished, dispatch_uid="claims.match_links")
def match_links(sender, checks: list[SourceCheck], **kwargs) -> None:
    """Record, on every live link of the checks' sources, whether the page
    carries the quoted passage and the claim's figures, and flag what
    vanished from it (``vanished.py``). A link last matched
    against the very text its check saw again, with its claim unchanged
    since, keeps its match: the page is not searched a second time."""
    check_of_source = {check.source_id: check for check in checks}
    links = list(
        ClaimSource.objects.filter(source_id__in=check_of_source, withdrawn_at__isnull=True)
        .select_related("claim", "source", "matched_check")
        .prefetch_related("claim__casualty_figures")
    )
    to_match = [link for link in links if not _carried_over(link, check_of_source[link.source_id])]
    SourceCheck.load_texts({check_of_source[link.source_id] for link in to_match})
    pages = {}
    for link in to_match:
        check = check_of_source[link.source_id]
        if check.is_success and check.pk not in pages:
            pages[check.pk] = SearchablePage(check.text)
        _match(link, check, pages.get(check.pk))
    track(links, check_of_source)
    update_fields(links, MATCH_FIELDS + FOUND_FIELDS)


def _carried_over(link: ClaimSource, check: SourceCheck) -> bool:
    """Whether ``link`` keeps its match for ``check``: its last match read the
    same text, and its claim (its figures) has not changed since."""
    matched = link.matched_check
    if matched is None or not (check.is_success and matched.is_success):
        return False
    if matched.stored_text_id != check.stored_text_id or link.claim.updated_at > matched.finished_at:
        return False
    link.matched_check = check
    return True


def _match(link: ClaimSource, check: SourceCheck, page: SearchablePage | None) -> None:
    quote, figures = QuoteMatch.NOT_APPLICABLE, QuoteMatch.NOT_APPLICABLE
    excerpt, missing, closest, alike = "", [], "", 0
    numbers = link.figure_numbers()
    if page is None:
        quote = QuoteMatch.SOURCE_UNAVAILABLE if link.quoted_passage else quote
        figures = QuoteMatch.SOURCE_UNAVAILABLE if numbers else figures
    else:
        if link.quoted_passage:
            found = page.find_quote(link.quoted_passage)
            quote = QuoteMatch.FOUND if found.found else QuoteMatch.NOT_FOUND
            excerpt = found.excerpt
            if not found.found:
                closest, alike = page.closest_passage(link.quoted_passage)
        if numbers:
            found = page.find_figures(numbers)
            figures = QuoteMatch.FOUND if found.found else QuoteMatch.NOT_FOUND
            excerpt = excerpt or found.excerpt
            missing = [] if found.found else page.missing_figures(numbers)
    link.quote_match, link.figures_match, link.matched_excerpt = quote, figures, excerpt
    link.figures_missing, link.closest_passage, link.closest_alike = missing, closest, alike or None
    link.matched_check = check


@receiver(history_pins, dispatch_uid="claims.history_pins")
def claims_rest_on(sender, source_ids, **kwargs) -> HistoryPins:
    """The checks of ``source_ids`` the claims rest on: each link's quote
    match and last copy with its quote and figures, the copies a vanished
    quote or figure was flagged between, and the page as it was when a verdict on a claim citing it was
    published, or evidence citing it was added."""
    links = ClaimSource.objects.filter(source_id__in=source_ids)
    verdicts = Verdict.objects.filter(claim__source_links__source_id__in=source_ids)
    evidence = Evidence.objects.filter(source_id__in=source_ids)
    flags = VanishedFlag.objects.filter(link__source_id__in=source_ids)
    return HistoryPins(
        checks={
            *links.exclude(matched_check=None).values_list("matched_check", flat=True),
            *links.exclude(quote_found_check=None).values_list("quote_found_check", flat=True),
            *links.exclude(figures_found_check=None).values_list("figures_found_check", flat=True),
            *flags.values_list("before_check", flat=True),
            *flags.values_list("after_check", flat=True),
        },
        moments=[
            *verdicts.values_list("claim__source_links__source_id", "published_at"),
            *evidence.values_list("source_id", "created_at"),
        ],
    )
