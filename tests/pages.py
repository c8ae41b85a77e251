"""What the page tests post, built the way a browser fills the forms in, and
a snapshot of the rows a refused request must leave as they were."""

from django.contrib.auth.models import User

from accounts.models import ApiToken
from claims.models import (
    Actor,
    CasualtyFigure,
    Claim,
    ClaimLogEntry,
    ClaimSource,
    Event,
    Evidence,
    Place,
    TroopPresence,
)
from intelligence.models import ContradictionFlag
from sources.models import Outlet, OutletRating, Source


def _formset(prefix: str, rows: list[dict]) -> dict:
    """The management form and ``rows`` of the formset posted under ``prefix``."""
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": "0"}
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{name}": value for name, value in row.items()})
    return data


def submission(claim=None, *, figures=(), presences=(), sources=None) -> dict:
    """POST data of the submit page: ``claim`` fields over sensible defaults,
    one source unless ``sources`` says otherwise, and the given formset rows."""
    fields = {"text": "Shelling of the market killed 12 people on Tuesday", "language": "en", "kind": "statement"}
    fields.update(claim or {})
    if sources is None:
        sources = [{"url": "https://news.example.org/market-shelling", "role": "origin"}]
    return {
        **{f"claim-{name}": value for name, value in fields.items()},
        **_formset("figures", list(figures)),
        **_formset("presences", list(presences)),
        **_formset("sources", list(sources)),
    }


def edit(claim: Claim, **changes) -> dict:
    """POST data of the edit page for ``claim`` as it was loaded, with ``changes``."""
    fields = {
        "text": claim.text,
        "language": claim.language,
        "translation": claim.translation,
        "kind": claim.kind,
        "version": claim.version,
    }
    fields.update(changes)
    return {f"claim-{name}": value for name, value in fields.items()}


def database_state() -> dict:
    """Every row the reviewer pages may write, in a comparable form."""
    return {
        "claims": list(Claim.objects.order_by("pk").values_list("pk", "text", "status", "version", "kind")),
        "log": ClaimLogEntry.objects.count(),
        "figures": CasualtyFigure.objects.count(),
        "presences": TroopPresence.objects.count(),
        "links": list(ClaimSource.objects.order_by("pk").values_list("pk", "withdrawn_at")),
        "sources": list(Source.objects.order_by("pk").values_list("pk", "url", "check_requested_at")),
        "evidence": list(Evidence.objects.order_by("pk").values_list("pk", "withdrawn_at")),
        "events": Event.objects.count(),
        "parties": list(Actor.objects.order_by("pk").values_list("pk", "merged_into")),
        "places": list(Place.objects.order_by("pk").values_list("pk", "merged_into")),
        "claimants": list(Claim.objects.order_by("pk").values_list("pk", "claimant", "place")),
        "passwords": list(User.objects.order_by("pk").values_list("pk", "password")),
        "flags": list(ContradictionFlag.objects.order_by("pk").values_list("pk", "status", "note")),
        "api_tokens": list(ApiToken.objects.order_by("pk").values_list("pk", "revoked_at")),
        "outlets": list(Outlet.objects.order_by("pk").values_list("pk", "reliability")),
        "outlet_ratings": OutletRating.objects.count(),
    }
