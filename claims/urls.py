"""URLs of the reviewer web app."""

from django.urls import path

from . import claimreview, export, feeds, identity_views, import_views, outlet_views, views

app_name = "claims"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("help/", views.help_page, name="help"),
    path("claims/", views.claim_list, name="claim_list"),
    path("claims/new/", views.claim_submit, name="claim_submit"),
    path("claims/export.csv", export.export_claims_csv, name="export_csv"),
    path("claims/import/", import_views.import_claims_view, name="import"),
    path("claims/import/jobs/", import_views.job_list, name="job_list"),
    path("claims/import/jobs/<int:pk>/", import_views.job_detail, name="job_detail"),
    path("claims/import/jobs/<int:pk>/progress/", import_views.job_progress, name="job_progress"),
    path("claims/import/template.csv", export.import_template_csv, name="import_template"),
    path("claims/claimreview.json", claimreview.claimreview_feed, name="claimreview_feed"),
    path("claims/verdicts.atom", feeds.VerdictAtomFeed(), name="verdict_feed_atom"),
    path("claims/verdicts.json", feeds.verdict_feed_json, name="verdict_feed_json"),
    path("claims/<int:pk>/", views.claim_detail, name="claim_detail"),
    path("claims/<int:pk>/claimreview.json", claimreview.claim_review_json, name="claim_review_json"),
    path("claims/<int:pk>/edit/", views.claim_edit, name="claim_edit"),
    path("claims/<int:pk>/sources/", views.claim_sources, name="claim_sources"),
    path("claims/<int:pk>/sources/<int:link_pk>/check/", views.source_check_now, name="source_check_now"),
    path("claims/<int:pk>/sources/<int:link_pk>/withdraw/", views.source_withdraw, name="source_withdraw"),
    path("claims/<int:pk>/evidence/", views.evidence_add, name="evidence_add"),
    path("claims/<int:pk>/evidence/<int:evidence_pk>/file/", views.evidence_file, name="evidence_file"),
    path("claims/<int:pk>/evidence/<int:evidence_pk>/withdraw/", views.evidence_withdraw, name="evidence_withdraw"),
    path("claims/<int:pk>/assign/", views.claim_assign, name="claim_assign"),
    path("claims/<int:pk>/status/", views.claim_transition, name="claim_transition"),
    path("vanished/<int:pk>/close/", views.vanished_close, name="vanished_close"),
    path("parties/names/", identity_views.actor_names, name="actor_names"),
    path("parties/<int:pk>/merge/", identity_views.actor_merge, name="actor_merge"),
    path("places/names/", identity_views.place_names, name="place_names"),
    path("places/<int:pk>/merge/", identity_views.place_merge, name="place_merge"),
    # Beside the sources' pages in the address, served here: rating an
    # outlet is a right that claims.permissions decides (claims/outlet_views.py).
    path("sources/outlets/", outlet_views.outlet_list, name="outlet_list"),
    path("sources/outlets/<int:pk>/", outlet_views.outlet_detail, name="outlet_detail"),
    path("events/", views.event_list, name="event_list"),
    path("events/<str:slug>/", views.event_detail, name="event_detail"),
]
