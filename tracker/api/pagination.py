"""How the API pages its lists.

Cursor pagination, because claims and checks are appended all the time: an
offset would skip or repeat rows while a reader pages through them.
"""

from rest_framework.pagination import CursorPagination


class TrackerCursorPagination(CursorPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
    ordering = "-created_at"


def paginate(view, queryset, serializer_class, *, ordering):
    """A paged response of ``queryset`` for a list nested under one object
    (a claim's evidence, a source's checks), in the given fixed ``ordering``.

    The view's own ordering belongs to its main model, so it is not consulted.
    """
    paginator = TrackerCursorPagination()
    paginator.ordering = ordering
    page = paginator.paginate_queryset(queryset, view.request)
    serializer = serializer_class(page, many=True, context=view.get_serializer_context())
    return paginator.get_paginated_response(serializer.data)
