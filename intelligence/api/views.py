"""An event's reconciled figures, under the event's own address
(``/api/events/<id>/reconciliation/``)."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from claims.models import Claim, ClaimSource, Event
from claims.permissions import Action

from ..reconciliation import reconcile
from .serializers import ReconciliationSerializer


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
