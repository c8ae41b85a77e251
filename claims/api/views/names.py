"""Parties (actors) and places: listed and searched by any of their names,
so that API clients can send the ids they find; merged by editors when two
turn out to be the same (``claims.services.merge_actors``/``merge_places``)."""

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from claims.models import Actor, Place
from claims.names import name_key
from claims.permissions import Action
from claims.services import merge_actors, merge_places

from ..serializers import ActorSerializer, PlaceSerializer


class _NameFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_names", help_text="A part of any of its names, ignoring case and width."
    )

    def filter_names(self, queryset, name, value):
        """The rows with a name, their own or an alias, containing ``value``
        as ``claims.lookups`` compares names."""
        key = name_key(value)
        alias_owner = queryset.model.aliases.field  # the alias model's key to its row
        aliases = alias_owner.model.objects.filter(**{alias_owner.name: OuterRef("pk")}, name_key__contains=key)
        return queryset.filter(Q(name_key__contains=key) | Exists(aliases))


class ActorFilterSet(_NameFilterSet):
    class Meta:
        model = Actor
        fields = []


class PlaceFilterSet(_NameFilterSet):
    class Meta:
        model = Place
        fields = []


class MergeRequestSerializer(serializers.Serializer):
    into = serializers.IntegerField(help_text="The id of the party or place this one is the same as (the survivor).")


class _NamedRowViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    ordering_fields = ["name"]
    ordering = ("name", "id")
    required_actions = {
        "list": Action.VIEW_INTERNAL,
        "retrieve": Action.VIEW_INTERNAL,
        "merge": Action.MERGE_NAMED_ROWS,
    }
    merge_service = None

    def _merge(self, request):
        merged = self.get_object()
        body = MergeRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        into = self.get_queryset().filter(pk=body.validated_data["into"]).first()
        if into is None:
            raise serializers.ValidationError({"into": [_("There is none with this id to merge into.")]})
        survivor = type(self).merge_service(merged, into, request.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=survivor.pk)).data)


class ActorViewSet(_NamedRowViewSet):
    """Parties: who makes claims and whose forces are claimed somewhere.
    ``q`` searches their names and aliases; a merged party names the one it
    was merged into in ``merged_into``."""

    queryset = Actor.objects.prefetch_related("aliases")
    serializer_class = ActorSerializer
    filterset_class = ActorFilterSet
    merge_service = staticmethod(merge_actors)

    @extend_schema(request=MergeRequestSerializer, responses=ActorSerializer)
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def merge(self, request, pk=None):
        """Merge this party into `into`: its claims and troop presences move there, its names
        become aliases there, each claim touched logs it; nothing is deleted. Editors only."""
        return self._merge(request)


class PlaceViewSet(_NamedRowViewSet):
    """Places, searched by ``q`` as parties are."""

    queryset = Place.objects.prefetch_related("aliases")
    serializer_class = PlaceSerializer
    filterset_class = PlaceFilterSet
    merge_service = staticmethod(merge_places)

    @extend_schema(request=MergeRequestSerializer, responses=PlaceSerializer)
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def merge(self, request, pk=None):
        """Merge this place into `into`, as parties are merged. Editors only."""
        return self._merge(request)
