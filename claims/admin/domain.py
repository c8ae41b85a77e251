"""Admins of the claim domain: claims and what hangs on them (read-only
here), and the parties, places and events they refer to."""

from django.contrib import admin

from claims import services
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
    Verdict,
)
from claims.permissions import Action, can

from .access import ReadOnlyInline, TrackerAdmin


class CasualtyFigureInline(ReadOnlyInline):
    model = CasualtyFigure
    fields = ["category", "population", "qualifier", "low", "high", "as_of"]


class TroopPresenceInline(ReadOnlyInline):
    model = TroopPresence
    fields = ["force", "place", "presence", "period_start", "period_end", "time_precision"]


class ClaimSourceInline(ReadOnlyInline):
    model = ClaimSource
    fields = ["source", "role", "quoted_passage", "quote_match", "figures_match", "withdrawn_at"]


class VerdictInline(ReadOnlyInline):
    model = Verdict
    fields = ["rating", "rationale", "published_by", "published_at", "superseded_at"]


class ClaimLogInline(ReadOnlyInline):
    model = ClaimLogEntry
    fields = ["created_at", "actor", "action", "from_status", "to_status", "rationale", "claim_version"]


@admin.register(Claim)
class ClaimAdmin(TrackerAdmin):
    """Claims are submitted, edited and moved through the workflow on their
    pages or through the API ("View on site" leads there)."""

    list_display = ["short_text", "kind", "status", "version", "language", "claimant", "event", "submitter"]
    list_filter = ["status", "kind", "language", "event"]
    search_fields = ["text", "translation", "claimant__name"]
    list_select_related = ["claimant", "event", "submitter"]
    inlines = [CasualtyFigureInline, TroopPresenceInline, ClaimSourceInline, VerdictInline, ClaimLogInline]
    date_hierarchy = "created_at"

    @admin.display(description="claim")
    def short_text(self, obj):
        return str(obj)


@admin.register(ClaimSource)
class ClaimSourceAdmin(TrackerAdmin):
    """Source links are added and withdrawn (with a reason) on the claim's page or through the API."""

    list_display = ["claim", "source", "role", "quote_match", "figures_match", "added_at", "withdrawn_at"]
    list_filter = ["role", "quote_match", "figures_match"]
    search_fields = ["quoted_passage", "source__url", "claim__text"]
    list_select_related = ["claim", "source"]


@admin.register(Evidence)
class EvidenceAdmin(TrackerAdmin):
    """Evidence is attached and withdrawn on the claim's page or through the API."""

    list_display = ["claim", "stance", "source", "author", "created_at", "withdrawn_at"]
    list_filter = ["stance"]
    search_fields = ["quoted_passage", "note", "claim__text"]
    list_select_related = ["claim", "source", "author"]


@admin.register(Verdict)
class VerdictAdmin(TrackerAdmin):
    list_display = ["claim", "rating", "published_by", "published_at", "superseded_at"]
    list_filter = ["rating"]
    search_fields = ["claim__text", "rationale"]
    list_select_related = ["claim", "published_by"]


@admin.register(ClaimLogEntry)
class ClaimLogEntryAdmin(TrackerAdmin):
    list_display = ["created_at", "claim", "actor", "action", "from_status", "to_status"]
    list_filter = ["action", "to_status"]
    search_fields = ["claim__text", "rationale", "actor__username"]
    list_select_related = ["claim", "actor"]
    date_hierarchy = "created_at"


@admin.register(Actor)
class ActorAdmin(TrackerAdmin):
    edit_action = Action.MANAGE_REFERENCE_DATA
    list_display = ["name", "name_original", "kind", "affiliation"]
    list_filter = ["kind"]
    search_fields = ["name", "name_original"]
    autocomplete_fields = ["affiliation"]


@admin.register(Place)
class PlaceAdmin(TrackerAdmin):
    edit_action = Action.MANAGE_REFERENCE_DATA
    list_display = ["name", "name_original", "precision", "parent"]
    list_filter = ["precision"]
    search_fields = ["name", "name_original"]
    autocomplete_fields = ["parent"]


@admin.register(Event)
class EventAdmin(TrackerAdmin):
    """Events change through ``services.update_event``, which holds who may
    change an event's slug (its page's address)."""

    edit_action = Action.MANAGE_EVENTS
    list_display = ["name", "slug", "started_on", "place"]
    search_fields = ["name", "name_original", "description"]
    autocomplete_fields = ["place"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not can(request.user, Action.CHANGE_EVENT_SLUG, obj):
            return ["slug"]
        return []

    def get_prepopulated_fields(self, request, obj=None):
        return {"slug": ["name"]} if obj is None else {}

    def save_model(self, request, obj, form, change):
        if change:
            services.update_event(obj, request.user, {name: form.cleaned_data[name] for name in form.changed_data})
        else:
            super().save_model(request, obj, form, change)
