"""Feeds of verdicts for newsrooms: each verdict published, superseded or
withdrawn, newest first, as Atom (Django's syndication framework) and as
JSON Feed 1.1, all of them or one event's (``?event=<slug>``). Public.

An entry shows what the claim's public page shows and nothing more: the
verdict's rating, rationale and date, and the claim's text only while the
claim has a published verdict (a reopened claim may have been edited since,
and its new text is not public); never who published it, nor why a verdict
was withdrawn (the reason is the reviewers' log).
"""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.syndication.views import Feed
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from .choices import ClaimStatus, VerdictEnd, VerdictEventKind
from .models import Event, Verdict

FEED_LENGTH = 50
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"


@dataclass(frozen=True)
class VerdictEntry:
    """One thing that happened to a verdict."""

    kind: VerdictEventKind
    verdict: Verdict
    at: datetime

    @property
    def claim(self):
        return self.verdict.claim

    @property
    def anchor(self) -> str:
        return f"verdict-{self.verdict.pk}-{self.kind}"

    @property
    def title(self) -> str:
        claim = self.claim
        what = claim.text if claim.status in ClaimStatus.verdicts() else _("Claim %(id)s") % {"id": claim.pk}
        return f"{VerdictEventKind(self.kind).label}: {ClaimStatus(self.verdict.rating).label} · {what}"

    @property
    def text(self) -> str:
        rating = ClaimStatus(self.verdict.rating).label
        published_on = self.verdict.published_at.date().isoformat()
        if self.kind == VerdictEventKind.WITHDRAWN:
            return _("The verdict “%(rating)s” published on %(date)s was withdrawn for review.") % {
                "rating": rating,
                "date": published_on,
            }
        text = self.verdict.rationale
        earlier = self.verdict.supersedes
        if earlier is not None:
            text += "\n\n" + _("Supersedes the verdict “%(rating)s” of %(date)s.") % {
                "rating": ClaimStatus(earlier.rating).label,
                "date": earlier.published_at.date().isoformat(),
            }
        return text


def verdict_entries(event: Event | None = None, limit: int = FEED_LENGTH) -> list[VerdictEntry]:
    """The latest ``limit`` verdict entries, newest first, of ``event``'s
    claims or of all. Two queries: publications and withdrawals."""
    verdicts = Verdict.objects.select_related("claim", "supersedes")
    if event is not None:
        verdicts = verdicts.filter(claim__event=event)
    published = verdicts.order_by("-published_at", "-id")[:limit]
    withdrawn = verdicts.filter(ended=VerdictEnd.WITHDRAWN).order_by("-superseded_at", "-id")[:limit]
    entries = [
        VerdictEntry(
            VerdictEventKind.SUPERSEDED if verdict.supersedes_id else VerdictEventKind.PUBLISHED,
            verdict,
            verdict.published_at,
        )
        for verdict in published
    ] + [VerdictEntry(VerdictEventKind.WITHDRAWN, verdict, verdict.superseded_at) for verdict in withdrawn]
    entries.sort(key=lambda entry: (entry.at, entry.verdict.pk), reverse=True)
    return entries[:limit]


def _event_of(request) -> Event | None:
    slug = request.GET.get("event")
    return None if not slug else get_object_or_404(Event, slug=slug)


def _feed_title(event: Event | None) -> str:
    if event is None:
        return _("Verdicts")
    return _("Verdicts: %(event)s") % {"event": event.name}


class VerdictAtomFeed(Feed):
    """The verdict feed as Atom."""

    feed_type = Atom1Feed

    def get_object(self, request):
        self.request = request
        return _event_of(request)

    def title(self, event):
        return _feed_title(event)

    def link(self, event):
        return "/"

    def feed_url(self, event):
        return self.request.get_full_path()

    def subtitle(self, event):
        return _("Verdicts published, superseded and withdrawn.")

    def items(self, event):
        return verdict_entries(event)

    def item_title(self, entry):
        return entry.title

    def item_description(self, entry):
        return entry.text

    def item_link(self, entry):
        return entry.claim.get_absolute_url()

    def item_guid(self, entry):
        return self.request.build_absolute_uri(f"{entry.claim.get_absolute_url()}#{entry.anchor}")

    item_guid_is_permalink = False

    def item_pubdate(self, entry):
        return entry.at

    def item_updateddate(self, entry):
        return entry.at

    def item_categories(self, entry):
        return [entry.kind, entry.verdict.rating]


def verdict_feed_json(request):
    """The verdict feed as JSON Feed 1.1."""
    event = _event_of(request)
    items = [
        {
            "id": request.build_absolute_uri(f"{entry.claim.get_absolute_url()}#{entry.anchor}"),
            "url": request.build_absolute_uri(entry.claim.get_absolute_url()),
            "title": entry.title,
            "content_text": entry.text,
            "date_published": entry.at.isoformat(),
            "tags": [entry.kind, entry.verdict.rating],
        }
        for entry in verdict_entries(event)
    ]
    feed = {
        "version": JSON_FEED_VERSION,
        "title": _feed_title(event),
        "home_page_url": request.build_absolute_uri("/"),
        "feed_url": request.build_absolute_uri(),
        "items": items,
    }
    return JsonResponse(feed, content_type="application/feed+json", json_dumps_params={"ensure_ascii": False})
