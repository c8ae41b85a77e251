"""The site's URLs plus a bare claim list, for the API benchmark only: the
same page of claims as ``GET /api/claims/`` (the same columns, joined rows,
filters, search and order), with none of DRF (no authentication,
permissions, filter forms, serializers or cursor), so that the API's
overhead can be told apart from the database's."""

from django.http import JsonResponse
from django.urls import path

from claims.api.serializers import ClaimSummarySerializer
from claims.models import Claim
from claims.search import search_claims
from tracker.urls import urlpatterns as site_urlpatterns

# The filters the benchmark's scenarios use, applied as plain equality.
FILTERS = ("status", "language")


def bare_claims(request):
    claims = Claim.objects.filter(**{name: request.GET[name] for name in FILTERS if name in request.GET})
    if "q" in request.GET:
        claims = search_claims(claims, request.GET["q"])
    page = claims.order_by("-created_at").values(*ClaimSummarySerializer.SUMMARY_VALUES)[:25]
    return JsonResponse(list(page), safe=False)


urlpatterns = [path("bench/bare-claims/", bare_claims), *site_urlpatterns]
