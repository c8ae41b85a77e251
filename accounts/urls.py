"""URLs of the accounts app's pages (log-in and password pages are Django's,
in ``tracker/urls.py``)."""

from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("tokens/", views.token_list, name="token_list"),
    path("tokens/new/", views.token_create, name="token_create"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
