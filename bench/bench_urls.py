"""The site's URLs plus a bare claim list, for the API benchmark only: the
same page of claims as ``GET /api/claims/`` (the same columns, joined rows
and order), with none of DRF (no authentication, permissions, filters,
serializers or cursor), so that the API's overhead can be told apart from
the database's."""

from django.http import JsonResponse
from django.urls import path

from claims.api.serializers import ClaimSummarySerializer
from claims.models import Claim
from tracker.urls import urlpatterns as site_urlpatterns


def bare_claims(request):
    page = Claim.objects.order_by("-created_at").values(*ClaimSummarySerializer.SUMMARY_VALUES)[:25]
    return JsonResponse(list(page), safe=False)


urlpatterns = [path("bench/bare-claims/", bare_claims), *site_urlpatterns]
