"""How the API shows sources and their check history (read-only: sources are
created by linking them to claims, and checked by the workers)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tracker.api.serializer_fields import NULLABLE_URI, FieldsOnceModelSerializer, protected_download_url

from ..choices import Reliability
from ..models import Outlet, Source, SourceCheck


class OutletSerializer(FieldsOnceModelSerializer):
    class Meta:
        model = Outlet
        fields = ["id", "name", "domain", "kind", "country", "reliability"]
        # Rated only on the outlet's page, which logs each rating.
        read_only_fields = ["reliability"]


class CheckSummarySerializer(FieldsOnceModelSerializer):
    """The gist of one check, shown with its source."""

    class Meta:
        model = SourceCheck
        fields = ["id", "started_at", "finished_at", "outcome", "http_status", "content_changed", "went_away"]


class SourceCheckSerializer(serializers.ModelSerializer):
    """One check in a source's history. The page text is left out: it is
    large, and the page's own archive (WARC) is the record of it."""

    class Meta:
        model = SourceCheck
        fields = [
            "id",
            "requested_at",
            "started_at",
            "finished_at",
            "outcome",
            "http_status",
            "final_url",
            "redirect_chain",
            "content_type",
            "bytes",
            "latency_ms",
            "sha256",
            "title",
            "error",
            "content_changed",
            "went_away",
            "warc_sha256",
            "archive_url",
            "changes_url",
        ]

    archive_url = serializers.SerializerMethodField(help_text="The WARC archive of the fetched page, if one was kept.")
    changes_url = serializers.SerializerMethodField(
        help_text="What changed in the page's text since the check before, if this check found it changed."
    )

    @extend_schema_field(NULLABLE_URI)
    def get_archive_url(self, check) -> str | None:
        if not check.warc:
            return None
        return protected_download_url(self, "api:source-archive", [check.source_id, check.pk])

    @extend_schema_field(NULLABLE_URI)
    def get_changes_url(self, check) -> str | None:
        if not check.content_changed:
            return None
        return protected_download_url(self, "api:source-changes", [check.source_id, check.pk])


class SourceSerializer(FieldsOnceModelSerializer):
    # Each is null until known: the outlet of an unknown domain, the agency of
    # a source not copied from one, the check of a source not yet checked.
    outlet = OutletSerializer(read_only=True, allow_null=True)
    via_agency = OutletSerializer(read_only=True, allow_null=True)
    latest_check = CheckSummarySerializer(read_only=True, allow_null=True)
    rated_reliability = serializers.ChoiceField(
        choices=Reliability.choices,
        read_only=True,
        help_text="The reliability the source is shown and graded with: its own rating, else its outlet's.",
    )

    class Meta:
        model = Source
        fields = [
            "id",
            "url",
            "submitted_url",
            "title",
            "language",
            "published_on",
            "reliability",
            "rated_reliability",
            "outlet",
            "via_agency",
            "health",
            "latest_check",
            "check_requested_at",
            "next_check_at",
            "content_changed_at",
            "gone_at",
            "created_at",
        ]


class CheckRequestedSerializer(serializers.Serializer):
    """The answer to "check this source now": the check is queued, not done."""

    detail = serializers.CharField()
    check_requested_at = serializers.DateTimeField()


class TextPieceSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["same", "removed", "added"])
    text = serializers.CharField()


class TextBlockSerializer(serializers.Serializer):
    """One part of a comparison, in reading order (see ``sources.changes``)."""

    kind = serializers.ChoiceField(choices=["unchanged", "removed", "added", "rewritten"])
    pieces = TextPieceSerializer(many=True, help_text="The text, each stretch marked same, removed or added.")
    unchanged = serializers.IntegerField(help_text="How many paragraphs were left alone, for an unchanged block.")


class CheckChangesSerializer(serializers.Serializer):
    """What changed in a page's text from one good check to the next."""

    check = serializers.IntegerField(help_text="The check whose text is shown.")
    previous_check = serializers.IntegerField(help_text="The source's good check before it, compared against.")
    blocks = TextBlockSerializer(many=True)
