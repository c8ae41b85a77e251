"""The intelligence app's endpoints, included under ``/api/`` before the
claims' (whose last pattern answers every unknown address with a 404)."""

from rest_framework.routers import DefaultRouter

from .views import ContradictionFlagViewSet, EventIntelligenceViewSet, IngestViewSet

app_name = "intelligence-api"

router = DefaultRouter()
router.include_root_view = False
router.register("events", EventIntelligenceViewSet, basename="event-intelligence")
router.register("contradictions", ContradictionFlagViewSet, basename="contradiction")
router.register("ingest", IngestViewSet, basename="ingest")

urlpatterns = router.urls
