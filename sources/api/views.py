"""Sources: read them with their latest check, read their check history
and what changed between checks, and ask for a check now."""

import unicodedata

import django_filters
from django.db.models import Q
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from accounts.api import IsMember
from tracker.api.pagination import paginate
from tracker.api.renderers import FileDownloadRenderer

from ..changes import changes_since_previous
from ..downloads import archive_download
from ..models import Outlet, Source
from ..services import request_check
from .serializers import (
    CheckChangesSerializer,
    CheckRequestedSerializer,
    OutletSerializer,
    SourceCheckSerializer,
    SourceSerializer,
)


class SourceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = Source.objects.with_outlets()
    serializer_class = SourceSerializer
    filterset_fields = ["health", "reliability", "outlet"]
    ordering_fields = ["created_at"]
    ordering = "-created_at"
    # Sources and their checks are the members' working material, and any
    # member may ask for a check: membership is all that is asked.
    permission_classes = [IsMember]

    @extend_schema(responses=SourceCheckSerializer(many=True))
    @action(detail=True, methods=["get"], filter_backends=[])
    def checks(self, request, pk=None):
        """Every check of this source, newest first."""
        source = self.get_object()
        return paginate(self, source.checks.all(), SourceCheckSerializer, ordering="-started_at")

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(
        detail=True,
        methods=["get"],
        url_path=r"checks/(?P<check_id>[0-9]+)/archive",
        filter_backends=[],
        pagination_class=None,
        renderer_classes=[JSONRenderer, FileDownloadRenderer],
    )
    def archive(self, request, pk=None, check_id=None):
        """The WARC archive of one check of this source (404 when nothing was archived)."""
        source = self.get_object()
        return archive_download(get_object_or_404(source.checks.all(), pk=check_id))

    @extend_schema(responses=CheckChangesSerializer)
    @action(
        detail=True,
        methods=["get"],
        url_path=r"checks/(?P<check_id>[0-9]+)/changes",
        filter_backends=[],
        pagination_class=None,
    )
    def changes(self, request, pk=None, check_id=None):
        """How the page's text changed between the source's previous good
        check and this one (404 when this check is not a good one, or is the first)."""
        source = self.get_object()
        check = get_object_or_404(source.checks.good(), pk=check_id)
        previous, blocks = changes_since_previous(check)
        answer = {"check": check.pk, "previous_check": previous.pk, "blocks": blocks}
        return Response(CheckChangesSerializer(answer).data)

    @extend_schema(request=None, responses={202: CheckRequestedSerializer})
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def check(self, request, pk=None):
        """Ask for this source to be checked now; the check runs in the background."""
        source = self.get_object()
        request_check(source)
        answer = {"detail": "A check of this source was requested.", "check_requested_at": source.check_requested_at}
        return Response(CheckRequestedSerializer(answer).data, status=status.HTTP_202_ACCEPTED)


class OutletFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_names", help_text="A part of its name or domain, ignoring case and width."
    )

    class Meta:
        model = Outlet
        fields = ["kind", "country"]

    def filter_names(self, queryset, name, value):
        # Full-width letters typed on a Chinese keyboard are the letters they show.
        value = unicodedata.normalize("NFKC", value).strip()
        return queryset.filter(Q(name__icontains=value) | Q(domain__icontains=value))


class OutletViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Outlets, the publishers of sources; ``q`` searches their names and domains."""

    queryset = Outlet.objects.all()
    serializer_class = OutletSerializer
    filterset_class = OutletFilterSet
    ordering_fields = ["name"]
    ordering = ("name", "id")
    permission_classes = [IsMember]
