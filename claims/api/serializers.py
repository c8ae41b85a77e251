"""How the API shows claims, events and evidence, and what it accepts.

Input serializers only validate shape and vocabulary; the writes and the
domain rules stay in ``claims.services`` and ``claims.workflow``. Where a
model already knows a rule (casualty bounds, URL normalisation), the
serializer asks the model, so that the error names the nested field.

A claimant, place, event or force is given by id or by name
(``claimant_name``, …): names are handed to the services, which find or
create the row through ``claims.lookups``, as for the pages and imports.
"""

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.roles import Role, roles_of
from claims.choices import ClaimStatus, EvidenceGrade, SourceRole, Stance
from claims.models import (
    NOTE_MAX_LENGTH,
    QUOTE_MAX_LENGTH,
    Actor,
    CasualtyFigure,
    Claim,
    ClaimGrade,
    ClaimSource,
    Event,
    Evidence,
    Place,
    TroopPresence,
)
from claims.services import EDITABLE_FIELDS
from sources.api.serializers import SourceSerializer
from sources.normalize import MAX_URL_LENGTH, normalize_url
from tracker.api.serializer_fields import NULLABLE_URI, FieldsOnceModelSerializer, protected_download_url

# How many figures, troop presences or sources one claim may be given in one request.
ITEMS_PER_CLAIM = 50


class NamedRefSerializer(serializers.Serializer):
    """A related actor, event or place, by id and name."""

    id = serializers.IntegerField()
    name = serializers.CharField()


class CasualtyFigureSerializer(FieldsOnceModelSerializer):
    display_range = serializers.CharField(read_only=True)

    class Meta:
        model = CasualtyFigure
        fields = ["category", "population", "qualifier", "low", "high", "as_of", "display_range"]

    def validate(self, attrs):
        CasualtyFigure(**attrs).clean()
        return attrs


def _name_field(model) -> serializers.CharField:
    limit = model._meta.get_field("name").max_length
    return serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=limit)


def by_id_or_name(attrs: dict, pairs: dict, *, required: bool = False) -> dict:
    """Check that each related row of ``pairs`` (id field: name field) is
    given one way only, and, if ``required``, one way at least."""
    errors = {}
    for field, name_field in pairs.items():
        if field in attrs and name_field in attrs:
            errors[name_field] = [_("Give the %(field)s by id or by name, not both.") % {"field": field}]
        elif required and attrs.get(field) is None and not attrs.get(name_field, "").strip():
            errors[field] = [_("Give the %(field)s by id or by name.") % {"field": field}]
    if errors:
        raise serializers.ValidationError(errors)
    return attrs


class TroopPresenceSerializer(FieldsOnceModelSerializer):
    force_name = _name_field(Actor)
    place_name = _name_field(Place)

    class Meta:
        model = TroopPresence
        fields = [
            "force",
            "force_name",
            "place",
            "place_name",
            "presence",
            "period_start",
            "period_end",
            "time_precision",
        ]
        extra_kwargs = {"force": {"required": False}, "place": {"required": False}}

    def validate(self, attrs):
        return by_id_or_name(attrs, {"force": "force_name", "place": "place_name"}, required=True)


class ClaimSourceSerializer(FieldsOnceModelSerializer):
    """A claim's link to a source, with the source's health and latest check."""

    source = SourceSerializer(read_only=True)

    class Meta:
        model = ClaimSource
        fields = [
            "id",
            "source",
            "role",
            "quoted_passage",
            "added_at",
            "withdrawn_at",
            "quote_match",
            "figures_match",
            "matched_excerpt",
        ]


class SourceLinkInputSerializer(serializers.Serializer):
    url = serializers.URLField(max_length=MAX_URL_LENGTH)
    role = serializers.ChoiceField(choices=SourceRole.choices, default=SourceRole.ORIGIN)
    quoted_passage = serializers.CharField(
        allow_blank=True, default="", trim_whitespace=True, max_length=QUOTE_MAX_LENGTH
    )

    def validate_url(self, value):
        normalize_url(value)  # the one rule for what a source URL may be
        return value


# The time zone of the times a page of claims shows, named once: looking up the
# current one for every time took most of the time of formatting them (no
# request activates another).
_TIME_ZONE = timezone.get_default_timezone()


def iso_datetime(value) -> str:
    """An aware ``value`` as DRF's ``DateTimeField`` writes it in the serializers
    below (ISO 8601 in the site's time zone, UTC as ``Z``), without a field's
    checks: a page of claims writes fifty, and the checks were most of their cost."""
    text = value.astimezone(_TIME_ZONE).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


class ClaimGradeSerializer(serializers.Serializer):
    """The tracker's evidence grade of a claim (beside, never instead of, its
    verdict) and its reasons in words."""

    grade = serializers.ChoiceField(choices=EvidenceGrade.choices)
    reasons = serializers.CharField()
    computed_at = serializers.DateTimeField()


class ClaimSummarySerializer(serializers.Serializer):
    """A claim as the list shows it: its own fields, and its claimant, event
    and place by name. Its figures, troop presences and sources are on
    ``/api/claims/{id}/``.

    It reads ``values()`` rows (``SUMMARY_VALUES``), not model instances:
    the list is what other programs poll, and shaping plain rows costs a
    tenth of serialising claims with their nested detail.
    """

    id = serializers.IntegerField()
    text = serializers.CharField()
    language = serializers.ChoiceField(choices=Claim._meta.get_field("language").choices)
    translation = serializers.CharField()
    kind = serializers.ChoiceField(choices=Claim._meta.get_field("kind").choices)
    status = serializers.ChoiceField(choices=ClaimStatus.choices)
    version = serializers.IntegerField()
    claimant = NamedRefSerializer(allow_null=True)
    event = NamedRefSerializer(allow_null=True)
    place = NamedRefSerializer(allow_null=True)
    occurred_on = serializers.DateField(allow_null=True)
    occurred_until = serializers.DateField(allow_null=True)
    stated_on = serializers.DateField(allow_null=True)
    submitter = serializers.CharField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    evidence_grade = ClaimGradeSerializer(allow_null=True)

    _FLAT = ("id", "text", "language", "translation", "kind", "status", "version")
    _DATES = ("occurred_on", "occurred_until", "stated_on")
    _TIMES = ("created_at", "updated_at")
    _REFS = ("claimant", "event", "place")
    SUMMARY_VALUES = (
        *_FLAT,
        *_DATES,
        *_TIMES,
        *(f"{ref}__{part}" for ref in _REFS for part in ("id", "name")),
        "submitter__username",
        *(f"grade__{fact}" for fact in (*ClaimGrade.FACTS, "computed_at")),
    )

    @classmethod
    def summaries(cls, rows) -> list[dict]:
        """``rows`` as the list shows them: what ``many=True`` gives, without
        the list serializer and its child that it makes (0.02-0.09 ms of CPU
        a page, a fifth to a half of writing its 25 rows)."""
        summarize = cls().to_representation
        return [summarize(row) for row in rows]

    def to_representation(self, row):
        data = {name: row[name] for name in self._FLAT}
        for name in self._REFS:
            ref_id = row[f"{name}__id"]
            data[name] = None if ref_id is None else {"id": ref_id, "name": row[f"{name}__name"]}
        for name in self._DATES:
            data[name] = None if row[name] is None else row[name].isoformat()  # as DRF's DateField writes it
        for name in self._TIMES:
            data[name] = iso_datetime(row[name])
        data["submitter"] = row["submitter__username"]
        data["evidence_grade"] = None
        if row["grade__grade"] is not None:
            # What ClaimGradeSerializer writes, without a serializer (and its fields) per claim.
            grade = ClaimGrade(**{fact: row[f"grade__{fact}"] for fact in (*ClaimGrade.FACTS, "computed_at")})
            data["evidence_grade"] = {
                "grade": grade.grade,
                "reasons": str(grade.reasons),
                "computed_at": iso_datetime(grade.computed_at),
            }
        return data


# A claim as shown. Its claims come from ``claims.api.views.claims.claims_for_display``,
# whose prefetched lists it reads (no docstring: it would become the schema's description).
class ClaimSerializer(FieldsOnceModelSerializer):
    claimant = NamedRefSerializer(read_only=True, allow_null=True)
    event = NamedRefSerializer(read_only=True, allow_null=True)
    place = NamedRefSerializer(read_only=True, allow_null=True)
    submitter = serializers.CharField(source="submitter.username", read_only=True)
    casualty_figures = CasualtyFigureSerializer(source="shown_figures", many=True, read_only=True)
    troop_presences = TroopPresenceSerializer(source="shown_presences", many=True, read_only=True)
    sources = ClaimSourceSerializer(source="shown_links", many=True, read_only=True)
    evidence_grade = ClaimGradeSerializer(source="grade", read_only=True, allow_null=True)

    class Meta:
        model = Claim
        fields = [
            "id",
            *EDITABLE_FIELDS,
            "status",
            "version",
            "submitter",
            "created_at",
            "updated_at",
            "casualty_figures",
            "troop_presences",
            "sources",
            "evidence_grade",
        ]
        read_only_fields = fields


# A claim's related rows that may also be given by name.
_CLAIM_NAMED = {"claimant": "claimant_name", "place": "place_name", "event": "event_name"}


class ClaimCreateSerializer(serializers.ModelSerializer):
    claimant_name = _name_field(Actor)
    place_name = _name_field(Place)
    event_name = _name_field(Event)
    casualty_figures = CasualtyFigureSerializer(many=True, required=False, max_length=ITEMS_PER_CLAIM)
    troop_presences = TroopPresenceSerializer(many=True, required=False, max_length=ITEMS_PER_CLAIM)
    sources = SourceLinkInputSerializer(many=True, required=False, max_length=ITEMS_PER_CLAIM)
    confirm_not_duplicate = serializers.BooleanField(
        required=False,
        default=False,
        help_text="A claim that states what existing claims state (the same party, event or place, close dates, "
        "figures that agree), in any language, is refused with 400, the text field's message and the claims it "
        "may repeat under `duplicates`; send true to file it anyway.",
    )

    class Meta:
        model = Claim
        fields = [
            *EDITABLE_FIELDS,
            *_CLAIM_NAMED.values(),
            "casualty_figures",
            "troop_presences",
            "sources",
            "confirm_not_duplicate",
        ]

    def validate(self, attrs):
        return by_id_or_name(attrs, _CLAIM_NAMED)


class ClaimUpdateSerializer(serializers.ModelSerializer):
    """A change to a claim, based on the ``version`` the client saw. Fields
    left out stay as they are; figures or presences, when given, replace the
    claim's."""

    version = serializers.IntegerField(min_value=1)
    claimant_name = _name_field(Actor)
    place_name = _name_field(Place)
    event_name = _name_field(Event)
    casualty_figures = CasualtyFigureSerializer(many=True, required=False, max_length=ITEMS_PER_CLAIM)
    troop_presences = TroopPresenceSerializer(many=True, required=False, max_length=ITEMS_PER_CLAIM)

    class Meta:
        model = Claim
        fields = ["version", *EDITABLE_FIELDS, *_CLAIM_NAMED.values(), "casualty_figures", "troop_presences"]
        extra_kwargs = {name: {"required": False} for name in EDITABLE_FIELDS}

    def validate(self, attrs):
        return by_id_or_name(attrs, _CLAIM_NAMED)


class TransitionSerializer(serializers.Serializer):
    """A status change the current user may make now."""

    name = serializers.CharField()
    label = serializers.CharField()
    target = serializers.ChoiceField(choices=ClaimStatus.choices)
    needs_rationale = serializers.BooleanField()


class TransitionRequestSerializer(serializers.Serializer):
    target = serializers.ChoiceField(choices=ClaimStatus.choices)
    rationale = serializers.CharField(allow_blank=True, default="", max_length=NOTE_MAX_LENGTH)
    version = serializers.IntegerField(min_value=1)


class ActorSerializer(FieldsOnceModelSerializer):
    aliases = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="name", help_text="Its other names, in any language."
    )

    class Meta:
        model = Actor
        fields = ["id", "name", "name_original", "kind", "affiliation", "aliases", "merged_into"]
        read_only_fields = fields


class PlaceSerializer(FieldsOnceModelSerializer):
    aliases = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="name", help_text="Its other names, in any language."
    )

    class Meta:
        model = Place
        fields = [
            "id",
            "name",
            "name_original",
            "precision",
            "parent",
            "latitude",
            "longitude",
            "aliases",
            "merged_into",
        ]
        read_only_fields = fields


class EventSerializer(serializers.ModelSerializer):
    class Meta:
        model = Event
        fields = ["id", "name", "name_original", "slug", "description", "place", "started_on", "ended_on", "created_at"]
        read_only_fields = ["created_at"]


class EvidenceSerializer(serializers.ModelSerializer):
    source = SourceSerializer(read_only=True, allow_null=True)
    file = serializers.SerializerMethodField(help_text="Download URL of the attached file; null if none.")
    author = serializers.CharField(source="author.username", read_only=True)

    class Meta:
        model = Evidence
        fields = [
            "id",
            "claim",
            "stance",
            "source",
            "file",
            "file_content_type",
            "file_size",
            "quoted_passage",
            "note",
            "author",
            "created_at",
            "withdrawn_at",
        ]
        read_only_fields = fields

    @extend_schema_field(NULLABLE_URI)
    def get_file(self, evidence) -> str | None:
        if not evidence.file:
            return None
        return protected_download_url(self, "api:evidence-file", [evidence.pk])


class EvidenceInputSerializer(serializers.Serializer):
    """New evidence: a source URL, a file (multipart), or both."""

    stance = serializers.ChoiceField(choices=Stance.choices)
    source_url = serializers.URLField(max_length=MAX_URL_LENGTH, required=False, allow_blank=True, default="")
    file = serializers.FileField(required=False, allow_null=True, default=None)
    quoted_passage = serializers.CharField(required=False, allow_blank=True, default="", max_length=QUOTE_MAX_LENGTH)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=NOTE_MAX_LENGTH)

    def validate_source_url(self, value):
        if value:
            normalize_url(value)  # the one rule for what a source URL may be
        return value


class WithdrawEvidenceSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=NOTE_MAX_LENGTH)


class WithdrawSourceSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, default="", help_text="Why the source is withdrawn (required).")


class MeSerializer(serializers.ModelSerializer):
    roles = serializers.SerializerMethodField()
    # Not an email field: an account without an address answers "".
    email = serializers.CharField(read_only=True)

    class Meta:
        model = get_user_model()
        fields = ["id", "username", "first_name", "last_name", "email", "roles"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=Role.choices)))
    def get_roles(self, user):
        return sorted(roles_of(user))
