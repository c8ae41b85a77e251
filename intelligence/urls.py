"""URLs of the intelligence app's pages."""

from django.urls import path

from . import views

app_name = "intelligence"
urlpatterns = [
    path("contradictions/<int:pk>/explain/", views.flag_explain, name="flag_explain"),
]
