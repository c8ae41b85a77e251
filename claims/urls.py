"""URLs of the reviewer web app."""

app_name = "claims"
urlpatterns = []
