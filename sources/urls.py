"""URLs of the sources app."""

from django.urls import path

from . import views

app_name = "sources"
urlpatterns = [
    path("<int:pk>/", views.source_detail, name="source_detail"),
    path("checks/<int:pk>/changes/", views.check_changes, name="check_changes"),
    path("checks/<int:pk>/archive.warc.gz", views.check_archive, name="check_archive"),
]
