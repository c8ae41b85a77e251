"""Claims: list, read, submit, edit, move through the workflow, link sources
and add evidence. Every write goes through ``claims.services`` or
``claims.workflow``."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from claims.claimreview import published_reviews
from claims.filters import ClaimFilterSet
from claims.models import Claim, ClaimSource, Evidence, TroopPresence
from claims.permissions import Action, can, visible_claims
from claims.services import (
    SourceLinkData,
    add_evidence,
    edit_claim,
    link_source,
    submit_claim,
    withdraw_source_link,
)
from claims.workflow import allowed_transitions, change_status
from tracker.api.pagination import paginate

from ..filtering import ApiFilterSet
from ..public_serializers import PublicClaimSerializer
from ..schema import StaleVersionSerializer
from ..serializers import (
    ClaimCreateSerializer,
    ClaimSerializer,
    ClaimSourceSerializer,
    ClaimSummarySerializer,
    ClaimUpdateSerializer,
    EvidenceInputSerializer,
    EvidenceSerializer,
    SourceLinkInputSerializer,
    TransitionRequestSerializer,
    TransitionSerializer,
    WithdrawSourceSerializer,
)


class ClaimApiFilterSet(ApiFilterSet, ClaimFilterSet):
    """The shared claim filters. Their ``ordering`` is left out: the API
    pages with a cursor, which orders by submission time (``?ordering=``
    of DRF's ordering filter chooses the direction)."""

    ordering = None

    # Filters on what the public page does not show; a reader who is not a
    # member is not offered them, so that a list cannot be narrowed on hidden state.
    MEMBERS_ONLY = ("event", "source_health")

    @classmethod
    def offered_filters(cls, request) -> dict:
        if request is None or can(request.user, Action.VIEW_INTERNAL):
            return cls.base_filters
        return {name: f for name, f in cls.base_filters.items() if name not in cls.MEMBERS_ONLY}

    @extend_schema_field(OpenApiTypes.INT)
    def filter_outlet(self, queryset, name, value):
        # Only tells the schema that ``outlet`` is an outlet's id.
        return super().filter_outlet(queryset, name, value)


def claims_for_display():
    """Claims with everything the claim serializer shows, in a constant
    number of queries however many claims there are.

    The related rows go to plain lists (``to_attr``, the names the claim
    serializer reads): a related manager's cache would cost a queryset clone
    per claim and relation, a fifth of the time of a page of the list.
    """
    return Claim.objects.select_related("claimant", "event", "place", "submitter", "grade").prefetch_related(
        Prefetch("casualty_figures", to_attr="shown_figures"),
        Prefetch("troop_presences", TroopPresence.objects.select_related("force", "place"), to_attr="shown_presences"),
        Prefetch(
            "source_links",
            ClaimSource.objects.select_related("source__outlet", "source__via_agency", "source__latest_check"),
            to_attr="shown_links",
        ),
    )


def _for_members_or_readers(members, readers, name, **kwargs):
    """The schema of an answer that members get in one shape and other readers in the public one."""
    return PolymorphicProxySerializer(
        component_name=name, serializers=[members, readers], resource_type_field_name=None, **kwargs
    )


@extend_schema_view(
    list=extend_schema(
        responses=_for_members_or_readers(ClaimSummarySerializer, PublicClaimSerializer, "ClaimListItem", many=True),
        description="Claims, newest first. Members get summaries (each claim's figures, troop presences and "
        "sources are on its own URL); other readers get published claims as their public pages show them.",
    ),
    retrieve=extend_schema(
        responses=_for_members_or_readers(ClaimSerializer, PublicClaimSerializer, "ClaimOrPublicClaim"),
        description="A claim. Members get its working detail; other readers get a published claim "
        "as its public page shows it.",
    ),
)
class ClaimViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    http_method_names = ["get", "post", "patch", "head", "options"]
    filterset_class = ClaimApiFilterSet
    ordering_fields = ["created_at"]
    ordering = "-created_at"
    required_actions = {
        "list": Action.VIEW_CLAIM,
        "retrieve": Action.VIEW_CLAIM,
        "create": Action.SUBMIT_CLAIM,
        "partial_update": Action.EDIT_CLAIM,
        "transitions": Action.VIEW_CLAIM,
        "change_status": Action.CHANGE_STATUS,
        "link_source": Action.LINK_SOURCE,
        # The link, not the claim, is what ``WITHDRAW_SOURCE`` is asked about:
        # the service asks it once the link is found.
        "withdraw_source": Action.VIEW_INTERNAL,
        "evidence": Action.VIEW_INTERNAL,
        "add_evidence": Action.ADD_EVIDENCE,
    }

    def _for_readers(self) -> bool:
        """Whether the caller is a reader who gets the public shape of claims."""
        return self.action in ("list", "retrieve") and not can(self.request.user, Action.VIEW_INTERNAL)

    def get_queryset(self):
        if self._for_readers():
            return published_reviews(Claim.objects.all())
        claims = claims_for_display() if self.action == "retrieve" else Claim.objects.all()
        return visible_claims(self.request.user, claims)

    def get_serializer_class(self):
        if self._for_readers():
            return PublicClaimSerializer
        if self.action == "list":
            return ClaimSummarySerializer
        if self.action == "create":
            return ClaimCreateSerializer
        if self.action == "partial_update":
            return ClaimUpdateSerializer
        return ClaimSerializer

    def list(self, request, *args, **kwargs):
        if self._for_readers():
            # A cursor carries the value of its position: readers page by the
            # id they see, not by when the claim was recorded, which they do not.
            self.ordering, self.ordering_fields = "-id", ["id"]
            return super().list(request, *args, **kwargs)
        claims = self.filter_queryset(self.get_queryset()).values(*ClaimSummarySerializer.SUMMARY_VALUES)
        page = self.paginate_queryset(claims)
        return self.get_paginated_response(ClaimSummarySerializer.summaries(page))

    def _display(self, claim, status_code=status.HTTP_200_OK):
        return Response(ClaimSerializer(claims_for_display().get(pk=claim.pk)).data, status=status_code)

    @extend_schema(request=ClaimCreateSerializer, responses={201: ClaimSerializer})
    def create(self, request, *args, **kwargs):
        serializer = ClaimCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        claim = submit_claim(
            request.user,
            refuse_duplicates=not fields.pop("confirm_not_duplicate", False),
            figures=fields.pop("casualty_figures", ()),
            presences=fields.pop("troop_presences", ()),
            sources=[SourceLinkData(**link) for link in fields.pop("sources", ())],
            fields=fields,
        )
        return self._display(claim, status.HTTP_201_CREATED)

    @extend_schema(
        request=ClaimUpdateSerializer,
        responses={200: ClaimSerializer, 409: StaleVersionSerializer},
        description="Change a claim. `version` is the version the change is based on; "
        "if someone changed the claim since, the answer is 409 with `current_version`.",
    )
    def partial_update(self, request, *args, **kwargs):
        claim = self.get_object()
        serializer = ClaimUpdateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        claim = edit_claim(
            claim,
            request.user,
            expected_version=fields.pop("version"),
            figures=fields.pop("casualty_figures", None),
            presences=fields.pop("troop_presences", None),
            fields=fields,
        )
        return self._display(claim)

    @extend_schema(responses=TransitionSerializer(many=True))
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def transitions(self, request, pk=None):
        """The status changes the current user may make on this claim now."""
        rules = allowed_transitions(self.get_object(), request.user)
        return Response(TransitionSerializer(rules, many=True).data)

    @extend_schema(request=TransitionRequestSerializer, responses={200: ClaimSerializer, 409: StaleVersionSerializer})
    @transitions.mapping.post
    def change_status(self, request, pk=None):
        claim = self.get_object()
        serializer = TransitionRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        claim = change_status(
            claim, request.user, data["target"], rationale=data["rationale"], expected_version=data["version"]
        )
        return self._display(claim)

    @extend_schema(request=SourceLinkInputSerializer, responses={201: ClaimSourceSerializer})
    @action(detail=True, methods=["post"], url_path="sources", filter_backends=[], pagination_class=None)
    def link_source(self, request, pk=None):
        """Link a source to this claim (an already linked source is returned as it is)."""
        claim = self.get_object()
        serializer = SourceLinkInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        link = link_source(claim, request.user, SourceLinkData(**serializer.validated_data))
        link = ClaimSource.objects.select_related("source__outlet", "source__via_agency", "source__latest_check").get(
            pk=link.pk
        )
        return Response(ClaimSourceSerializer(link).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=WithdrawSourceSerializer, responses={200: ClaimSourceSerializer})
    @action(
        detail=True,
        methods=["post"],
        url_path=r"sources/(?P<link_pk>[0-9]+)/withdraw",
        filter_backends=[],
        pagination_class=None,
    )
    def withdraw_source(self, request, pk=None, link_pk=None):
        """Withdraw a source from this claim, saying why (`reason`): the link
        stays on record, marked withdrawn, and the claim's log names who
        withdrew it."""
        claim = self.get_object()
        link = get_object_or_404(ClaimSource, pk=link_pk, claim=claim)
        serializer = WithdrawSourceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        link = withdraw_source_link(link, request.user, reason=serializer.validated_data["reason"])
        link = ClaimSource.objects.select_related("source__outlet", "source__via_agency", "source__latest_check").get(
            pk=link.pk
        )
        return Response(ClaimSourceSerializer(link).data)

    @extend_schema(responses=EvidenceSerializer(many=True))
    @action(detail=True, methods=["get"], filter_backends=[])
    def evidence(self, request, pk=None):
        """The evidence gathered on this claim, withdrawn evidence included, oldest first."""
        claim = self.get_object()
        evidence = Evidence.objects.filter(claim=claim).select_related(
            "author", "source__outlet", "source__via_agency", "source__latest_check"
        )
        return paginate(self, evidence, EvidenceSerializer, ordering="created_at")

    @extend_schema(request=EvidenceInputSerializer, responses={201: EvidenceSerializer})
    @evidence.mapping.post
    def add_evidence(self, request, pk=None):
        claim = self.get_object()
        serializer = EvidenceInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        evidence = add_evidence(claim, request.user, **serializer.validated_data)
        return Response(
            EvidenceSerializer(evidence, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED
        )
