"""Events, the happenings that several claims are about."""

from rest_framework import mixins, viewsets

from claims.models import Event
from claims.permissions import Action
from claims.services import update_event

from ..serializers import EventSerializer


class EventViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    http_method_names = ["get", "post", "patch", "head", "options"]
    queryset = Event.objects.select_related("place")
    serializer_class = EventSerializer
    filterset_fields = ["place"]
    ordering_fields = ["created_at"]
    ordering = "-created_at"
    required_actions = {
        "list": Action.VIEW_INTERNAL,
        "retrieve": Action.VIEW_INTERNAL,
        "create": Action.MANAGE_EVENTS,
        "partial_update": Action.MANAGE_EVENTS,
    }

    def perform_update(self, serializer):
        # Through the service, which holds who may change an event's slug.
        serializer.instance = update_event(serializer.instance, self.request.user, serializer.validated_data)
