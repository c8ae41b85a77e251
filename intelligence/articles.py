"""Articles given by their URL rather than pasted: where their fetch stands
and, once it is done, their text.

An article's URL is its source (``sources.services.get_or_create_source``),
and fetching it is a check of that source (``services.request_article``
asks for one), not a fetch of our own: a check already goes through
``sources/fetch.py`` (the SSRF rules, the size cap and the overall
deadline, the per-host limits), archives the page as WARC, reads its text
as every check does and stores it once, records a failure with its reason
in the source's history, and runs in a worker on the queue of checks
someone waits for, re-sent by the sweep if the broker lost it. A fetch may
take as long as the fetcher's deadline, too long to hold a web request
and one of its few processes; the page and the API follow the check
instead and suggest claims from its text once it is there (``suggest_claims``
is quick: ``bench/extraction.py`` measures a 10,000-character article).

The article's check is the one answering the source's latest request
(``Source.check_requested_at``), so a reviewer who gives a URL again reads
the page as it is now."""

from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from sources.choices import CheckOutcome
from sources.models import Source, SourceCheck

from .choices import ArticleState


@dataclass(frozen=True)
class FetchedArticle:
    source: Source
    state: ArticleState
    text: str = ""
    error: str = ""
    check: SourceCheck | None = None


def fetched_article(source: Source) -> FetchedArticle:
    """Where the fetch of ``source``'s article stands: still fetching (also
    while the outlet asked us to come back later: the re-check is
    scheduled), read (with its text), or failed (with what went wrong, in
    words, as the source's history records it)."""
    if source.check_requested_at is None:
        return FetchedArticle(
            source, ArticleState.FAILED, error=_("This article was never fetched; give its URL again.")
        )
    check = (
        SourceCheck.objects.filter(source=source, requested_at=source.check_requested_at, finished_at__isnull=False)
        .select_related("stored_text")
        .first()
    )
    if check is None:
        return FetchedArticle(source, ArticleState.FETCHING)
    if check.outcome == CheckOutcome.DEFERRED:
        error = _("The outlet asked us to come back later; the page is fetched again")
        if source.next_check_at:
            error += " " + _("at %(time)s") % {"time": date_format(source.next_check_at, "DATETIME_FORMAT")}
        return FetchedArticle(source, ArticleState.FETCHING, error=error + ".", check=check)
    if not check.is_success:
        error = _("The article could not be fetched (%(outcome)s): %(error)s") % {
            "outcome": check.get_outcome_display(),
            "error": check.error or _("no reason given"),
        }
        return FetchedArticle(source, ArticleState.FAILED, error=error, check=check)
    text = check.stored_text.text if check.stored_text else ""
    if not text.strip():
        error = _("The page was fetched, but no article text was found on it; paste the text instead.")
        return FetchedArticle(source, ArticleState.FAILED, error=error, check=check)
    return FetchedArticle(source, ArticleState.READY, text=text, check=check)
