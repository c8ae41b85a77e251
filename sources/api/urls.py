"""URLs of the sources' endpoints, included in the API's own (``/api/``)."""

from rest_framework.routers import DefaultRouter

from .views import OutletViewSet, SourceViewSet

router = DefaultRouter()
router.include_root_view = False
router.register("sources", SourceViewSet, basename="source")
router.register("outlets", OutletViewSet, basename="outlet")

urlpatterns = router.urls
