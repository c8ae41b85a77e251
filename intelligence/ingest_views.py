"""The ingest page: paste an article, see the claims it suggests, tick the
ones to keep, correct any field (figures and troop presences included) and
create them in one step (``services.create_reviewed_claims``).

The candidates travel in the page itself, each as a claim form with a
figure and a presence formset (the claim edit page's), prefixed by its
number, so that a correction that does not validate is shown with what was
typed and nothing is created.

An article given by its URL alone (no text) is fetched as a check of its
source (``services.request_article``, ``articles.py`` says why); the page
then follows the fetch at ``ingest/sources/<id>/`` and shows the
candidates once its text is read, or why it could not be."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.decorators import member_required
from claims.forms import kept_rows
from claims.permissions import Action, require
from sources.models import Source

from .articles import fetched_article
from .choices import ArticleState
from .extraction import ArticleError, suggest_claims
from .forms import ArticleForm, CandidateFigureFormSet, CandidateForm, CandidatePresenceFormSet
from .services import create_reviewed_claims, request_article

# How often the page of an article being fetched reloads itself (seconds).
FETCH_POLL_SECONDS = 2

# What the reviewer typed besides the URL, kept in the address of the page that follows the fetch.
_CARRIED_THROUGH_THE_FETCH = ("language", "event_name", "published_on")

# More candidates than an article of the longest size suggests; a post
# claiming more is cut here rather than building forms without end.
MAX_CANDIDATES = 500


def _candidate_block(index, data=None, candidate=None):
    """The forms of candidate ``index``: bound to ``data``, or holding ``candidate``."""
    prefix = f"c{index}"
    initial, figures, presences = None, [], []
    if candidate is not None:
        initial = {
            "keep": True,
            "sentence": candidate.sentence,
            "language": candidate.language,
            "kind": str(candidate.kind),
            "claimant": candidate.claimant,
        }
        figures = [figure.as_fields() for figure in candidate.figures]
        presences = [
            {"force_name": presence.force, "place_name": presence.place, "presence": str(presence.presence)}
            for presence in candidate.presences
        ]
    return {
        "form": CandidateForm(data, prefix=prefix, initial=initial),
        "figures": CandidateFigureFormSet(data, prefix=f"{prefix}-figures", initial=figures),
        "presences": CandidatePresenceFormSet(data, prefix=f"{prefix}-presences", initial=presences),
    }


def _reviewed(block) -> dict | None:
    """What ``submit_claim`` takes for a kept, valid candidate block."""
    form = block["form"]
    fields = {
        "text": form.cleaned_data["sentence"],
        "language": form.cleaned_data["language"],
        "kind": form.cleaned_data["kind"],
    }
    if form.cleaned_data["claimant"]:
        fields["claimant_name"] = form.cleaned_data["claimant"]
    return {
        "fields": fields,
        "figures": [
            {name: value for name, value in row.cleaned_data.items() if name != "DELETE"}
            for row in kept_rows(block["figures"])
        ],
        "presences": [row.presence_fields() for row in kept_rows(block["presences"])],
    }


@member_required
@require_http_methods(["GET", "POST"])
def ingest(request):
    require(request.user, Action.SUBMIT_CLAIM)
    article = ArticleForm(request.POST or None)
    blocks, status = [], 200
    if request.method == "POST":
        status = 400
        if "create" in request.POST:
            try:
                count = min(int(request.POST.get("candidates", "0")), MAX_CANDIDATES)
            except ValueError:
                count = 0
            blocks = [_candidate_block(index, request.POST) for index in range(count)]
            response = _create(request, article, blocks)
            if response is not None:
                return response
        elif article.is_valid() and not article.cleaned_data["text"]:
            response = _fetch(request, article)
            if response is not None:
                return response
        elif article.is_valid():
            blocks = _suggested(article, article.cleaned_data["text"], article.cleaned_data["language"])
            status = 200 if blocks else 400
    return render(request, "intelligence/ingest.html", {"article": article, "blocks": blocks}, status=status)


def _suggested(article, text: str, language: str) -> list:
    """The candidate blocks of ``text``, or none with the error on ``article``."""
    try:
        candidates = suggest_claims(text, language or None)
    except ArticleError as error:
        article.add_error("text", str(error))
        return []
    if not candidates:
        article.add_error("text", _("No claim was found in this article."))
    return [_candidate_block(index, candidate=candidate) for index, candidate in enumerate(candidates)]


def _fetch(request, article):
    """Ask for the article at the form's URL to be fetched, and follow it."""
    try:
        source = request_article(request.user, article.cleaned_data["article_url"])
    except ValidationError as error:
        article.add_error("article_url", error.message_dict.get("url", error.messages))
        return None
    query = {name: article.cleaned_data[name] for name in _CARRIED_THROUGH_THE_FETCH if article.cleaned_data[name]}
    address = reverse("intelligence:ingest_source", args=[source.pk])
    return redirect(f"{address}?{urlencode(query)}" if query else address)


@member_required
@require_http_methods(["GET"])
def ingest_source(request, pk):
    """The article of source ``pk``, given by its URL: reloading itself while
    it is fetched, then its suggested claims (created through ``ingest``) or
    why it could not be read."""
    require(request.user, Action.SUBMIT_CLAIM)
    fetched = fetched_article(get_object_or_404(Source, pk=pk))
    initial = {
        "article_url": fetched.source.url,
        "text": fetched.text,
        **{name: request.GET.get(name, "") for name in _CARRIED_THROUGH_THE_FETCH},
    }
    article = ArticleForm(initial=initial)
    blocks = []
    if fetched.state == ArticleState.READY:
        bound = ArticleForm(initial)
        if bound.is_valid():
            blocks = _suggested(bound, fetched.text, bound.cleaned_data["language"])
        article = bound
    context = {"article": article, "blocks": blocks, "fetched": fetched, "poll": FETCH_POLL_SECONDS}
    return render(request, "intelligence/ingest.html", context)


def _create(request, article, blocks):
    """Create the kept candidates, or ``None`` with the errors on the forms."""
    valid = article.is_valid()
    kept = []
    for block in blocks:
        form = block["form"]
        if not form.is_valid():
            valid = False
            continue
        if not form.cleaned_data["keep"]:
            continue
        if not (block["figures"].is_valid() and block["presences"].is_valid()):
            valid = False
            continue
        kept.append(block)
    if valid and not kept:
        article.add_error(None, _("Tick at least one suggested claim to keep."))
        return None
    if not valid:
        return None
    try:
        claims = create_reviewed_claims(
            request.user,
            article.cleaned_data["article_url"],
            [_reviewed(block) for block in kept],
            event_name=article.cleaned_data["event_name"],
            stated_on=article.cleaned_data["published_on"],
        )
    except ValidationError as error:
        article.add_error(None, error.messages)
        return None
    messages.success(request, _("%(count)s claims created from the article.") % {"count": len(claims)})
    event = claims[0].event
    return redirect(event.get_absolute_url() if event else reverse("claims:claim_list"))
