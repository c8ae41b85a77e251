"""Admins of outlets, sources and their check history. A source's address
and check state are the checks' to write; its details (outlet, title,
reliability...) are edited here. An outlet's rating is only shown: it is
given on the outlet's page (``sources.services.rate_outlet``), which logs it."""

from django.contrib import admin

from claims.permissions import Action
from sources.models import Outlet, OutletRating, Source, SourceCheck

from .access import ReadOnlyInline, TrackerAdmin


class OutletRatingInline(ReadOnlyInline):
    model = OutletRating
    fields = ["set_at", "reliability", "set_by", "reason"]


@admin.register(Outlet)
class OutletAdmin(TrackerAdmin):
    edit_action = Action.MANAGE_REFERENCE_DATA
    list_display = ["name", "domain", "kind", "country", "reliability"]
    list_filter = ["kind", "country", "reliability"]
    search_fields = ["name", "domain"]
    # Read-only here, so that no rating escapes the log.
    readonly_fields = ["reliability", "reliability_reason", "reliability_set_by", "reliability_set_at"]
    inlines = [OutletRatingInline]


class SourceCheckInline(ReadOnlyInline):
    model = SourceCheck
    fields = ["started_at", "outcome", "http_status", "final_url", "bytes", "latency_ms", "content_changed"]
    ordering = ["-started_at"]


@admin.register(Source)
class SourceAdmin(TrackerAdmin):
    edit_action = Action.MANAGE_REFERENCE_DATA
    list_display = ["url", "outlet", "reliability", "health", "language", "published_on", "check_requested_at"]
    list_filter = ["health", "reliability", "language", "outlet"]
    search_fields = ["url", "title"]
    list_select_related = ["outlet"]
    autocomplete_fields = ["outlet", "via_agency"]
    fields = [
        "url",
        "submitted_url",
        "outlet",
        "via_agency",
        "title",
        "language",
        "published_on",
        "reliability",
        "check_interval",
        "health",
        "created_by",
        "created_at",
    ]
    # The address is what claims cite and checks fetch: changing it would make
    # every claim citing the page cite another one.
    readonly_fields = ["url", "submitted_url", "health", "created_by", "created_at"]
    inlines = [SourceCheckInline]


@admin.register(SourceCheck)
class SourceCheckAdmin(TrackerAdmin):
    list_display = ["source", "started_at", "outcome", "http_status", "latency_ms", "content_changed", "went_away"]
    list_filter = ["outcome", "content_changed", "went_away"]
    search_fields = ["source__url", "final_url", "title"]
    list_select_related = ["source"]
