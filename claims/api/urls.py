"""URLs of the REST API, its OpenAPI schema and its documentation; the
sources' endpoints come from ``sources.api.urls``."""

from csp.decorators import csp_update
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from .views.claims import ClaimViewSet
from .views.events import EventViewSet
from .views.evidence import EvidenceViewSet
from .views.me import MeView
from .views.names import ActorViewSet, PlaceViewSet
from .views.not_found import NotFoundView

app_name = "api"

router = DefaultRouter()
router.include_root_view = False
router.register("claims", ClaimViewSet, basename="claim")
router.register("evidence", EvidenceViewSet, basename="evidence")
router.register("events", EventViewSet, basename="event")
router.register("actors", ActorViewSet, basename="actor")
router.register("places", PlaceViewSet, basename="place")

# Swagger UI, under the site's Content-Security-Policy: its start-up script is
# served as a file by the split view, and its stylesheet draws icons as data: images.
api_docs = csp_update({"img-src": ["data:"]})(
    SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/docs.html")
)

urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", api_docs, name="docs"),
    *router.urls,
    path("", include("sources.api.urls")),
    re_path(r"", NotFoundView.as_view(), name="not-found"),
]
