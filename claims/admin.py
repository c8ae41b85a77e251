"""Django admin for the claim domain.

Nothing can be deleted here (the domain withdraws, never deletes), the claim
log and verdicts are read-only, and status changes are not editable fields:
they go through the workflow, from the pages or the API.
"""

from django.contrib import admin

from .models import (
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


class NoDeleteAdmin(admin.ModelAdmin):
    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(NoDeleteAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class CasualtyFigureInline(admin.TabularInline):
    model = CasualtyFigure
    extra = 0


class TroopPresenceInline(admin.TabularInline):
    model = TroopPresence
    extra = 0
    autocomplete_fields = ["force", "place"]


class ClaimSourceInline(admin.TabularInline):
    model = ClaimSource
    extra = 0
    can_delete = False
    fields = ["source", "role", "quoted_passage", "quote_match", "figures_match", "withdrawn_at"]
    readonly_fields = ["source", "quote_match", "figures_match"]

    def has_add_permission(self, request, obj=None):
        return False


class VerdictInline(ReadOnlyInline):
    model = Verdict
    fields = ["rating", "rationale", "published_by", "published_at", "superseded_at"]
    readonly_fields = fields


class ClaimLogInline(ReadOnlyInline):
    model = ClaimLogEntry
    fields = ["created_at", "actor", "action", "from_status", "to_status", "rationale", "claim_version"]
    readonly_fields = fields


@admin.register(Claim)
class ClaimAdmin(NoDeleteAdmin):
    list_display = ["short_text", "kind", "status", "language", "claimant", "event", "submitter", "created_at"]
    list_filter = ["status", "kind", "language", "event"]
    search_fields = ["text", "translation", "claimant__name"]
    list_select_related = ["claimant", "event", "submitter"]
    autocomplete_fields = ["claimant", "event", "place"]
    readonly_fields = ["status", "version", "submitter", "created_at", "updated_at"]
    inlines = [CasualtyFigureInline, TroopPresenceInline, ClaimSourceInline, VerdictInline, ClaimLogInline]
    date_hierarchy = "created_at"

    @admin.display(description="claim")
    def short_text(self, obj):
        return str(obj)

    def has_add_permission(self, request):
        # Claims are submitted through the pages or the API, which log them.
        return False


@admin.register(Actor)
class ActorAdmin(NoDeleteAdmin):
    list_display = ["name", "name_original", "kind", "affiliation"]
    list_filter = ["kind"]
    search_fields = ["name", "name_original"]
    autocomplete_fields = ["affiliation"]


@admin.register(Place)
class PlaceAdmin(NoDeleteAdmin):
    list_display = ["name", "name_original", "precision", "parent"]
    list_filter = ["precision"]
    search_fields = ["name", "name_original"]
    autocomplete_fields = ["parent"]


@admin.register(Event)
class EventAdmin(NoDeleteAdmin):
    list_display = ["name", "started_on", "place"]
    search_fields = ["name", "name_original", "description"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["place"]


@admin.register(Evidence)
class EvidenceAdmin(NoDeleteAdmin):
    list_display = ["claim", "stance", "source", "author", "created_at", "withdrawn_at"]
    list_filter = ["stance"]
    search_fields = ["quoted_passage", "note", "claim__text"]
    list_select_related = ["claim", "source", "author"]
    readonly_fields = ["claim", "author", "file_content_type", "file_size", "created_at"]

    def has_add_permission(self, request):
        return False


@admin.register(ClaimSource)
class ClaimSourceAdmin(NoDeleteAdmin):
    list_display = ["claim", "source", "role", "quote_match", "figures_match", "added_at"]
    list_filter = ["role", "quote_match", "figures_match"]
    search_fields = ["quoted_passage", "source__url", "claim__text"]
    list_select_related = ["claim", "source"]
    readonly_fields = ["claim", "source", "added_by", "quote_match", "figures_match", "matched_excerpt"]

    def has_add_permission(self, request):
        return False


@admin.register(Verdict)
class VerdictAdmin(ReadOnlyAdmin):
    list_display = ["claim", "rating", "published_by", "published_at", "superseded_at"]
    list_filter = ["rating"]
    search_fields = ["claim__text", "rationale"]
    list_select_related = ["claim", "published_by"]


@admin.register(ClaimLogEntry)
class ClaimLogEntryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "claim", "actor", "action", "from_status", "to_status"]
    list_filter = ["action", "to_status"]
    search_fields = ["claim__text", "rationale", "actor__username"]
    list_select_related = ["claim", "actor"]
    date_hierarchy = "created_at"
