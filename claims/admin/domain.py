"""Admins of the claim domain: claims and what hangs on them (read-only
here), and the parties, places and events they refer to."""

from django.contrib import admin
from django.core.exceptions import ValidationError

from claims import services
from claims.models import (
    Actor,
    ActorAlias,
    CasualtyFigure,
    Claim,
    ClaimLogEntry,
    ClaimSource,
    Event,
    Evidence,
    Place,
    PlaceAlias,
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


class ActorAliasInline(ReadOnlyInline):
    model = ActorAlias
    fields = ["name"]


class PlaceAliasInline(ReadOnlyInline):
    model = PlaceAlias
    fields = ["name"]


@admin.register(Actor)
class ActorAdmin(TrackerAdmin):
    """A party's merge (``merged_into``) is made on its merge page, through
    ``services.merge_actors``, which moves its claims; here it is shown."""

    edit_action = Action.MANAGE_REFERENCE_DATA
    list_display = ["name", "name_original", "kind", "affiliation", "merged_into"]
    list_filter = ["kind"]
    search_fields = ["name", "name_original", "aliases__name"]
    autocomplete_fields = ["affiliation", "outlets"]
    readonly_fields = ["merged_into"]
    inlines = [ActorAliasInline]


@admin.register(Place)
class PlaceAdmin(TrackerAdmin):
    edit_action = Action.MANAGE_REFERENCE_DATA
    list_display = ["name", "name_original", "precision", "parent", "merged_into"]
    list_filter = ["precision"]
    search_fields = ["name", "name_original", "aliases__name"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["merged_into"]
    inlines = [PlaceAliasInline]


class _AliasAdmin(TrackerAdmin):
    """Other names are added, through the service that refuses a name
    already finding another row, and never changed: a name that was wrong
    is a case for merging, and one that others typed must keep finding its
    row. ``owner`` is the alias's key to its row."""

    edit_action = Action.MERGE_NAMED_ROWS
    owner = ""
    check_name = add_name = None  # the services' functions

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        admin_ = self

        class CheckedForm(form):
            def clean(self):
                cleaned = super().clean()
                row = cleaned.get(admin_.owner)
                if row is not None:
                    try:
                        type(admin_).check_name(row, cleaned.get("name") or "")
                    except ValidationError as error:
                        self.add_error(None, error)
                return cleaned

        return CheckedForm

    def save_model(self, request, obj, form, change):
        alias = type(self).add_name(getattr(obj, self.owner), request.user, obj.name)
        if alias is not None:
            obj.pk = alias.pk


@admin.register(ActorAlias)
class ActorAliasAdmin(_AliasAdmin):
    list_display = ["name", "actor"]
    search_fields = ["name", "actor__name"]
    autocomplete_fields = ["actor"]
    owner = "actor"
    check_name = staticmethod(services.check_actor_alias)
    add_name = staticmethod(services.add_actor_alias)


@admin.register(PlaceAlias)
class PlaceAliasAdmin(_AliasAdmin):
    list_display = ["name", "place"]
    search_fields = ["name", "place__name"]
    autocomplete_fields = ["place"]
    owner = "place"
    check_name = staticmethod(services.check_place_alias)
    add_name = staticmethod(services.add_place_alias)


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
