"""URLs of the sources' endpoints, included in the API's own (``/api/``)."""

from rest_framework.routers import DefaultRouter

from .views import SourceViewSet

router = DefaultRouter()
router.include_root_view = False
router.register("sources", SourceViewSet, basename="source")

urlpatterns = router.urls
