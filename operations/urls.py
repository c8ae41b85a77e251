"""URLs of the health endpoints (under ``/health/``)."""

from django.urls import path

from . import views

app_name = "operations"
urlpatterns = [
    path("live", views.live, name="live"),
    path("ready", views.ready, name="ready"),
]
