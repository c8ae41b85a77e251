"""URLs of the operations app: health under ``/health/``, ``/metrics`` and the stats page."""

from django.urls import path

from . import views

app_name = "operations"
urlpatterns = [
    path("health/live", views.live, name="live"),
    path("health/ready", views.ready, name="ready"),
    path("metrics", views.prometheus_metrics, name="metrics"),
    path("operations/stats/", views.stats, name="stats"),
]
