"""An event's reconciled figures, under the event's own address
(``/api/events/<id>/reconciliation/``), the contradiction flags
(``/api/contradictions/``, which a reviewer may mark explained), and the
claims an article suggests (``/api/ingest/``)."""

from dataclasses import replace

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.reverse import reverse

from claims.models import Claim, ClaimSource, Event
from claims.permissions import Action
from sources.models import Source

from ..articles import fetched_article
from ..choices import ArticleState
from ..extraction import ArticleError, suggest_claims
from ..models import ContradictionFlag
from ..reconciliation import reconcile
from ..services import explain_flag, request_article
from .serializers import (
    ArticleSerializer,
    CandidateSerializer,
    ContradictionFlagSerializer,
    ExplainRequestSerializer,
    IngestRequestSerializer,
    ReconciliationSerializer,
)


def event_claims(event: Event):
    """The claims of ``event`` with what reconciling them reads."""
    return (
        Claim.objects.filter(event=event)
        .select_related("claimant")
        .prefetch_related(
            "casualty_figures",
            Prefetch("source_links", ClaimSource.objects.select_related("source__outlet")),
        )
    )


class EventIntelligenceViewSet(viewsets.GenericViewSet):
    queryset = Event.objects.all()
    filter_backends = []
    pagination_class = None
    required_actions = {"reconciliation": Action.VIEW_INTERNAL}

    @extend_schema(responses=ReconciliationSerializer(many=True))
    @action(detail=True, methods=["get"])
    def reconciliation(self, request, pk=None):
        """Per category and population, every figure reported about this
        event by claimant, and what their bounds imply together."""
        groups = reconcile(event_claims(self.get_object()))
        return Response(ReconciliationSerializer(groups, many=True).data)


class ContradictionFlagViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Pairs of claims of one event that cannot both be true. Filter by
    ``claim`` (either of the two), ``event`` or ``status``."""

    queryset = ContradictionFlag.objects.select_related("explained_by")
    serializer_class = ContradictionFlagSerializer
    filterset_fields = ["event", "status", "kind"]
    ordering_fields = ["created_at"]
    ordering = "-created_at"
    required_actions = {
        "list": Action.VIEW_INTERNAL,
        "retrieve": Action.VIEW_INTERNAL,
        "explain": Action.EXPLAIN_FLAG,
    }

    def get_queryset(self):
        flags = super().get_queryset()
        claim = self.request.query_params.get("claim")
        if self.action == "list" and claim is not None:
            if not claim.isdigit():
                raise ValidationError({"claim": ["A claim id is a whole number."]})
            flags = flags.filter(Q(first_claim_id=claim) | Q(second_claim_id=claim))
        return flags

    @extend_schema(
        request=ExplainRequestSerializer,
        responses=ContradictionFlagSerializer,
        parameters=[],
    )
    @action(detail=True, methods=["post"])
    def explain(self, request, pk=None):
        """Mark an open flag explained, with a note; both claims' logs record it."""
        flag = self.get_object()
        body = ExplainRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            flag = explain_flag(flag, request.user, note=body.validated_data["note"])
        except DjangoValidationError as error:
            raise ValidationError(error.message_dict) from error
        return Response(ContradictionFlagSerializer(flag).data)


class IngestViewSet(viewsets.ViewSet):
    """Claims suggested from an article (``POST /api/ingest/``), nothing
    created: a client files those it keeps through ``POST /api/claims/``,
    whose names the candidates use, linking them to the article's url.

    Given its ``text``, the candidates come at once. Given its ``url``, the
    article is fetched as a check of its source, in the background (a fetch
    may take as long as the fetcher's deadline; ``intelligence/articles.py``):
    the answer is 202 with the source's id, and ``GET /api/ingest/<source>/``
    says where the fetch stands, then gives the candidates or why the page
    could not be read (recorded in the source's check history too)."""

    required_actions = {"create": Action.SUBMIT_CLAIM, "retrieve": Action.SUBMIT_CLAIM}
    lookup_value_regex = r"[0-9]+"

    # From a text nothing is created, so the answer is 200, not the 201 a create would document.
    @extend_schema(
        request=IngestRequestSerializer,
        responses={
            200: CandidateSerializer(many=True),
            202: OpenApiResponse(ArticleSerializer, description="The article's fetch was asked for."),
        },
    )
    def create(self, request):
        body = IngestRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        if "url" in body.validated_data:
            try:
                source = request_article(request.user, body.validated_data["url"])
            except DjangoValidationError as error:
                raise ValidationError(error.message_dict) from error
            location = reverse("intelligence-api:ingest-detail", args=[source.pk], request=request)
            return Response(
                ArticleSerializer(_article(source)).data,
                status=status.HTTP_202_ACCEPTED,
                headers={"Location": location},
            )
        try:
            candidates = suggest_claims(body.validated_data["text"], body.validated_data.get("language"))
        except ArticleError as error:
            raise ValidationError({"text": [str(error)]}) from error
        return Response(CandidateSerializer(candidates, many=True).data)

    @extend_schema(
        responses=ArticleSerializer,
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH, description="The article's source id.")],
    )
    def retrieve(self, request, pk=None):
        """Where the fetch of an article given by its url stands; once it is
        read, the claims it suggests."""
        return Response(ArticleSerializer(_article(get_object_or_404(Source, pk=pk))).data)


def _article(source: Source) -> dict:
    """What ``ArticleSerializer`` reads of ``source``'s article: its fetch, and once read, its candidates."""
    fetched, candidates = fetched_article(source), []
    if fetched.state == ArticleState.READY:
        try:
            candidates = suggest_claims(fetched.text)
        except ArticleError as error:
            fetched = replace(fetched, state=ArticleState.FAILED, error=str(error))
    return {
        "source": source.pk,
        "url": source.url,
        "state": fetched.state,
        "error": fetched.error,
        "check": fetched.check.pk if fetched.check else None,
        "candidates": candidates,
    }
