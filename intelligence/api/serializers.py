"""How the intelligence app's results read in the API."""

from rest_framework import serializers

from claims.choices import BoundQualifier, CasualtyCategory, Population
from claims.models import NOTE_MAX_LENGTH
from sources.normalize import MAX_URL_LENGTH

from ..choices import ArticleState
from ..extraction import LANGUAGES
from ..models import ContradictionFlag


class ReportSerializer(serializers.Serializer):
    claim = serializers.IntegerField(source="claim_id")
    party = serializers.IntegerField(source="party_id", allow_null=True, help_text="The claimant's actor id.")
    party_name = serializers.CharField(source="party")
    qualifier = serializers.ChoiceField(choices=BoundQualifier.choices)
    low = serializers.IntegerField(allow_null=True)
    high = serializers.IntegerField(allow_null=True)
    as_of = serializers.DateField(allow_null=True, help_text="The figure's date, else the claim's stated_on.")
    source_url = serializers.CharField(help_text="The claim's first live source; empty if none.")


class DecreaseSerializer(serializers.Serializer):
    party_name = serializers.CharField(source="party")
    earlier = ReportSerializer()
    later = ReportSerializer()


class ReconciliationSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=CasualtyCategory.choices)
    population = serializers.ChoiceField(choices=Population.choices)
    reports = ReportSerializer(many=True)
    lowest = serializers.IntegerField(help_text="The lowest number any report gives.")
    highest = serializers.IntegerField(help_text="The highest number any report gives.")
    first_reported = serializers.DateField(allow_null=True)
    last_reported = serializers.DateField(allow_null=True)
    highest_lower_bound = serializers.SerializerMethodField()
    lowest_upper_bound = serializers.SerializerMethodField()
    consistent = serializers.BooleanField(
        help_text="Whether the highest lower bound is at most the lowest upper bound."
    )
    decreases = DecreaseSerializer(many=True, help_text="Where a party's cumulative toll went down over time.")

    def get_highest_lower_bound(self, group) -> int | None:
        return group.highest_lower_bound.lower_bound if group.highest_lower_bound else None

    def get_lowest_upper_bound(self, group) -> int | None:
        return group.lowest_upper_bound.upper_bound if group.lowest_upper_bound else None


class ContradictionFlagSerializer(serializers.ModelSerializer):
    reason = serializers.CharField(read_only=True, help_text="Why the two claims cannot both be true, in words.")
    explained_by = serializers.CharField(source="explained_by.username", read_only=True, allow_null=True)

    class Meta:
        model = ContradictionFlag
        fields = [
            "id",
            "event",
            "first_claim",
            "second_claim",
            "kind",
            "status",
            "reason",
            "details",
            "note",
            "explained_by",
            "explained_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ExplainRequestSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=NOTE_MAX_LENGTH, help_text="Why both claims may stand.")


class IngestRequestSerializer(serializers.Serializer):
    text = serializers.CharField(
        required=False, trim_whitespace=False, help_text="The article's text, Chinese or English; or give its url."
    )
    url = serializers.CharField(
        required=False,
        max_length=MAX_URL_LENGTH,
        help_text="The article's address, to be fetched, archived and read as a check of its source.",
    )
    # A string checked here rather than a choice: the claims' "language" enum
    # has more values, and the schema would need a second name for these two.
    language = serializers.CharField(
        required=False, allow_null=True, help_text="zh or en; detected from the script when left out."
    )

    def validate_language(self, value):
        if value not in (None, *LANGUAGES):
            raise serializers.ValidationError(f"Claims are suggested from {' or '.join(LANGUAGES)} articles only.")
        return value

    def validate(self, data):
        if "text" in data and "url" in data:
            raise serializers.ValidationError({"url": ["Give the article's text or its url, not both."]})
        if "text" not in data and "url" not in data:
            raise serializers.ValidationError({"text": ["Give the article's text, or its url to fetch it."]})
        return data


class FigureCandidateSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=CasualtyCategory.choices)
    population = serializers.ChoiceField(choices=Population.choices)
    qualifier = serializers.ChoiceField(choices=BoundQualifier.choices)
    low = serializers.IntegerField(allow_null=True)
    high = serializers.IntegerField(allow_null=True)


class PresenceCandidateSerializer(serializers.Serializer):
    force_name = serializers.CharField(source="force")
    place_name = serializers.CharField(source="place")
    presence = serializers.CharField()


class CandidateSerializer(serializers.Serializer):
    """A suggested claim, in the names ``POST /api/claims/`` takes."""

    text = serializers.CharField(source="sentence")
    language = serializers.CharField()
    kind = serializers.CharField()
    claimant_name = serializers.CharField(source="claimant")
    outlet = serializers.CharField()
    casualty_figures = FigureCandidateSerializer(source="figures", many=True)
    troop_presences = PresenceCandidateSerializer(source="presences", many=True)


class ArticleSerializer(serializers.Serializer):
    """An article given by its url: where its fetch stands, and once read,
    the claims it suggests. Follow it at ``/api/ingest/<source>/``."""

    source = serializers.IntegerField(help_text="The article's source: claims kept link to it.")
    url = serializers.CharField()
    state = serializers.ChoiceField(choices=ArticleState.choices)
    error = serializers.CharField(help_text="Why the article could not be read, or when it is fetched again.")
    check = serializers.IntegerField(allow_null=True, help_text="The check that fetched it, once one has.")
    candidates = CandidateSerializer(many=True)
