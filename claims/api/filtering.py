"""The API's filtering: django-filter's, with two shortcuts that change no
answer.

A request that names none of a view's filters is not filtered at all:
unfiltered lists are most of the traffic, and building and validating the
filter form for them cost about a tenth of a page of claims while changing
nothing, as every filter leaves the list alone when its parameter is absent.

A request that names only plain filters (no ``method``, no rows to choose
from that depend on the request: a vocabulary, a search) is filtered
without building the FilterSet and its form: each value is read and cleaned
by the filter's own form field, exactly as the form would, and the filter is
applied. Building them (a deep copy of every filter named and of its form
field, a form class, the form) cost more CPU than the rest of the API's own
work on a filtered page. Any other filter, or a value that a field refuses,
goes through the whole FilterSet, so that what is refused, and the messages
saying why, stay the form's.
"""

import django_filters
from django.core.exceptions import ValidationError
from django.utils.datastructures import MultiValueDict
from django_filters.filters import QuerySetRequestMixin
from django_filters.rest_framework import DjangoFilterBackend


class ApiFilterSet(django_filters.FilterSet):
    """A FilterSet that builds only the filters that a request names and
    that its caller is offered (``offered_filters``): an absent filter leaves
    the list alone, and building every filter (a deep copy and a form field
    each) cost more CPU than a search's whole page."""

    def __init__(self, data=None, *args, request=None, **kwargs):
        # ``base_filters`` is the class's; this instance starts from its own narrower set.
        self.base_filters = self.filters_named(data or {}, request)
        super().__init__(data, *args, request=request, **kwargs)

    @classmethod
    def offered_filters(cls, request) -> dict:
        """The filters that the caller of ``request`` may use (all of them
        unless a subclass narrows them)."""
        return cls.base_filters

    @classmethod
    def filters_named(cls, query_params, request) -> dict:
        """The offered filters that ``query_params`` name, in the class's order."""
        named = named_filters(query_params, cls.base_filters)
        if not named:  # most requests: the caller's rights need not be asked
            return {}
        return {name: filter_ for name, filter_ in cls.offered_filters(request).items() if name in named}


class TrackerFilterBackend(DjangoFilterBackend):
    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            return queryset
        if issubclass(filterset_class, ApiFilterSet):
            filters = filterset_class.filters_named(request.query_params, request)
            if not filters:
                return queryset
            filtered = filter_without_form(filters, request.query_params, queryset)
            if filtered is not None:
                return filtered
        elif not named_filters(request.query_params, filterset_class.base_filters):
            return queryset
        return super().filter_queryset(request, queryset, view)


def named_filters(query_params, names) -> set[str]:
    """The filters of ``names`` that a query parameter belongs to, counting the
    suffixed parameters of range-like filters (``<name>_min``, ``<name>_after``):
    a parameter names the filter it equals and each one it starts with
    followed by ``_``."""
    named = set()
    for key in query_params:
        named.add(key)
        named.update(key[:index] for index, char in enumerate(key) if char == "_")
    return named.intersection(names)


def filter_without_form(filters: dict, query_params, queryset):
    """``queryset`` narrowed by ``filters`` (name: a FilterSet class's filter)
    as their FilterSet's form would narrow it, or ``None`` when the FilterSet
    is needed: a filter has a ``method`` (it runs on a FilterSet instance) or
    chooses its rows by the request, or a value is refused.

    The class's filters are used as they are: a plain filter keeps no state
    but the form field it builds once (django-filter caches it on the filter),
    which cleaning only reads.
    """
    if any(filter_.method is not None or isinstance(filter_, QuerySetRequestMixin) for filter_ in filters.values()):
        return None
    no_files = MultiValueDict()
    cleaned = {}
    for name, filter_ in filters.items():
        field = filter_.field
        try:
            cleaned[name] = field.clean(field.widget.value_from_datadict(query_params, no_files, name))
        except ValidationError:
            return None
    for name, value in cleaned.items():
        queryset = filters[name].filter(queryset, value)
    return queryset
