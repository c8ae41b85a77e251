"""URLs of the reviewer web app."""

from django.urls import path

from . import claimreview, export, import_views

app_name = "claims"
urlpatterns = [
    path("claims/claimreview.json", claimreview.claimreview_feed, name="claimreview_feed"),
    path("claims/<int:pk>/claimreview.json", claimreview.claim_review_json, name="claim_review_json"),
    path("claims/export.csv", export.export_claims_csv, name="export_csv"),
    path("claims/import/", import_views.import_claims_view, name="import"),
]
