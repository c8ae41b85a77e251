"""How the API shows a claim to a reader who is not a member of the tracker.

Such a reader sees what the claim's public page and its ClaimReview show
(``templates/claims/claim_public.html``, ``claims.claimreview``), read from
the same rows (``claims.claimreview.published_reviews``), and nothing more:
not who submitted or reviewed it, not its version, dates of the record,
event, place, figures or presences, and not its sources' health, checks or
quoted passages. ``tests/test_api_public_claims.py`` holds each field to
the public page.
"""

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from claims.choices import ClaimStatus
from claims.claimreview import current_verdict, live_links
from claims.models import Claim


class PublicClaimantSerializer(serializers.Serializer):
    name = serializers.CharField()


class PublicVerdictSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(choices=ClaimStatus.choices)
    rationale = serializers.CharField()
    published_on = serializers.SerializerMethodField()

    @extend_schema_field(serializers.DateField())
    def get_published_on(self, verdict) -> str:
        return timezone.localdate(verdict.published_at).isoformat()


class PublicSourceSerializer(serializers.Serializer):
    """Where the claim appeared: the page, its title and outlet, and when it was published."""

    url = serializers.URLField(source="source.url")
    title = serializers.CharField(source="source.title")
    outlet = serializers.CharField(source="source.outlet.name", allow_null=True, default=None)
    published_on = serializers.DateField(source="source.published_on", allow_null=True)


# A claim with a published verdict, as its public page shows it (no docstring:
# it would become the schema's description).
class PublicClaimSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    language = serializers.ChoiceField(choices=Claim._meta.get_field("language").choices)
    translation = serializers.CharField()
    kind = serializers.ChoiceField(choices=Claim._meta.get_field("kind").choices)
    status = serializers.ChoiceField(choices=ClaimStatus.choices)
    claimant = PublicClaimantSerializer(allow_null=True)
    occurred_on = serializers.DateField(allow_null=True)
    stated_on = serializers.DateField(allow_null=True)
    verdict = serializers.SerializerMethodField()
    sources = serializers.SerializerMethodField()

    @extend_schema_field(PublicVerdictSerializer(allow_null=True))
    def get_verdict(self, claim):
        verdict = current_verdict(claim)
        return None if verdict is None else PublicVerdictSerializer(verdict).data

    @extend_schema_field(PublicSourceSerializer(many=True))
    def get_sources(self, claim):
        return PublicSourceSerializer(live_links(claim), many=True).data
