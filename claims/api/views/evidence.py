"""Withdrawing evidence (it stays in the record, marked withdrawn)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from claims.downloads import evidence_download
from claims.models import Claim, Evidence
from claims.permissions import Action, visible_claims
from claims.services import withdraw_evidence
from tracker.api.renderers import FileDownloadRenderer

from ..serializers import EvidenceSerializer, WithdrawEvidenceSerializer


class EvidenceViewSet(viewsets.GenericViewSet):
    serializer_class = EvidenceSerializer
    filter_backends = []
    pagination_class = None
    required_actions = {"withdraw": Action.WITHDRAW_EVIDENCE, "file": Action.VIEW_INTERNAL}

    def get_queryset(self):
        claims = visible_claims(self.request.user, Claim.objects.all())
        return Evidence.objects.filter(claim__in=claims).select_related(
            "claim", "author", "source__outlet", "source__via_agency", "source__latest_check"
        )

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer, FileDownloadRenderer])
    def file(self, request, pk=None):
        """The attached file (404 when the evidence is only a source)."""
        return evidence_download(self.get_object())

    @extend_schema(request=WithdrawEvidenceSerializer, responses=EvidenceSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        evidence = self.get_object()
        serializer = WithdrawEvidenceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        evidence = withdraw_evidence(evidence, request.user, reason=serializer.validated_data["reason"])
        return Response(EvidenceSerializer(evidence, context=self.get_serializer_context()).data)
