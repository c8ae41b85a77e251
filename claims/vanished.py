"""Where a quote, figures or a whole page that a source carried is found
gone, and found again: ``VanishedFlag`` rows are raised and closed here, and
only here, as each batch of checks is matched (``receivers.match_links``).

A link remembers the last check whose page carried its quote, and the one
that carried its figures (``quote_found_check``, ``figures_found_check``).
A later check that reads the page without them, or finds the page gone
(``SourceCheck.went_away``), raises a flag linking that earlier check (its
archive is the copy from before) and itself, and forgets the earlier check,
so that the same loss is flagged once; a check that merely failed (a
timeout, a 503) says nothing either way. A check that finds them again
closes the flags it answers. Each flag raised is told to the apps above
(``signals.claim_flagged``): the claim's watchers hear of it.
"""

from django.utils import timezone

from sources.models import SourceCheck

from .choices import QuoteMatch, ReviewFlag, Vanished
from .models import ClaimSource, VanishedFlag
from .signals import claim_flagged

FOUND_FIELDS = ["quote_found_check", "figures_found_check"]


def track(links: list[ClaimSource], check_of_source: dict[int, SourceCheck]) -> None:
    """Raise and close the flags of ``links`` after their matching against
    ``check_of_source``. The links' remembered checks are set on them, for
    the caller to save."""
    open_flags = {}
    for flag in VanishedFlag.objects.filter(link__in=links, closed_at=None):
        open_flags.setdefault(flag.link_id, {})[flag.what] = flag
    raised = []
    for link in links:
        check = check_of_source[link.source_id]
        flags = open_flags.get(link.pk, {})
        if check.went_away:
            before = max(filter(None, [link.quote_found_check_id, link.figures_found_check_id]), default=None)
            if before is not None and Vanished.PAGE not in flags:
                raised.append(_flag(link, Vanished.PAGE, before, check))
            link.quote_found_check = link.figures_found_check = None
            continue
        if link.quote_match == QuoteMatch.FOUND:
            link.quote_found_check = check
            _close(flags, Vanished.QUOTE, Vanished.PAGE)
        elif link.quote_match == QuoteMatch.NOT_FOUND and link.quote_found_check_id is not None:
            if Vanished.QUOTE not in flags:
                raised.append(_flag(link, Vanished.QUOTE, link.quote_found_check_id, check))
            link.quote_found_check = None
        if link.figures_match == QuoteMatch.FOUND:
            link.figures_found_check = check
            _close(flags, Vanished.FIGURES, Vanished.PAGE)
        elif link.figures_match == QuoteMatch.NOT_FOUND and link.figures_found_check_id is not None:
            if Vanished.FIGURES not in flags:
                flag = _flag(link, Vanished.FIGURES, link.figures_found_check_id, check)
                flag.missing = list(link.figures_missing)
                raised.append(flag)
            link.figures_found_check = None
    for flag in VanishedFlag.objects.bulk_create(raised):
        claim_flagged.send(
            sender=VanishedFlag, claim=flag.link.claim, user=None, kind=ReviewFlag.VANISHED, reason=_reason(flag)
        )


def _flag(link: ClaimSource, what: str, before_check_id: int, after: SourceCheck) -> VanishedFlag:
    return VanishedFlag(link=link, what=what, before_check_id=before_check_id, after_check=after)


def _close(flags: dict, *whats) -> None:
    """Close the open flags of ``whats``: a check found again what they say vanished."""
    for what in whats:
        flag = flags.pop(what, None)
        if flag is not None:
            flag.closed_at = timezone.now()
            flag.save(update_fields=["closed_at"])


def _reason(flag: VanishedFlag) -> str:
    return f"{flag.describe()} {flag.link.source.url}"
