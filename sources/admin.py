"""Django admin for outlets, sources and their check history (read-only)."""

from django.contrib import admin

from .models import Outlet, Source, SourceCheck


class NoDeleteAdmin(admin.ModelAdmin):
    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Outlet)
class OutletAdmin(NoDeleteAdmin):
    list_display = ["name", "domain", "kind", "country"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "domain"]


class SourceCheckInline(admin.TabularInline):
    model = SourceCheck
    extra = 0
    can_delete = False
    fields = ["started_at", "outcome", "http_status", "final_url", "bytes", "latency_ms", "content_changed"]
    readonly_fields = fields
    ordering = ["-started_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Source)
class SourceAdmin(NoDeleteAdmin):
    list_display = ["url", "outlet", "reliability", "health", "language", "published_on", "check_requested_at"]
    list_filter = ["health", "reliability", "language", "outlet"]
    search_fields = ["url", "title"]
    list_select_related = ["outlet"]
    autocomplete_fields = ["outlet", "via_agency"]
    readonly_fields = [
        "submitted_url",
        "created_by",
        "created_at",
        "check_requested_at",
        "latest_check",
        "health",
        "content_changed_at",
        "gone_at",
    ]
    inlines = [SourceCheckInline]


@admin.register(SourceCheck)
class SourceCheckAdmin(NoDeleteAdmin):
    list_display = ["source", "started_at", "outcome", "http_status", "latency_ms", "content_changed", "went_away"]
    list_filter = ["outcome", "content_changed", "went_away"]
    search_fields = ["source__url", "final_url", "title"]
    list_select_related = ["source"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
