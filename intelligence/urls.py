"""URLs of the intelligence app's pages."""

from django.urls import path

from . import ingest_views, views

app_name = "intelligence"
urlpatterns = [
    path("ingest/", ingest_views.ingest, name="ingest"),
    path("ingest/sources/<int:pk>/", ingest_views.ingest_source, name="ingest_source"),
    path("contradictions/<int:pk>/explain/", views.flag_explain, name="flag_explain"),
]
