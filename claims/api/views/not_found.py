"""The answer for any path under /api/ that names no endpoint: a 404 in the
API's error shape rather than the site's HTML page."""

from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.views import APIView


@extend_schema(exclude=True)
class NotFoundView(APIView):
    permission_classes = []
    authentication_classes = []

    def initial(self, request, *args, **kwargs):
        raise NotFound()
