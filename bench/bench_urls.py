"""The site's URLs plus a bare claim list, for the API benchmark only: the
same page of claims as ``GET /api/claims/``, with none of DRF (no
authentication, permissions, filters, serializers or cursor), so that the
API's overhead can be told apart from the database's."""

from django.http import JsonResponse
from django.urls import path

from claims.models import Claim
from tracker.urls import urlpatterns as site_urlpatterns

BARE_CLAIM_FIELDS = (
    "id",
    "text",
    "translation",
    "language",
    "kind",
    "status",
    "version",
    "occurred_on",
    "stated_on",
    "created_at",
    "updated_at",
)


def bare_claims(request):
    page = Claim.objects.order_by("-created_at", "-id").values(*BARE_CLAIM_FIELDS)[:25]
    return JsonResponse(list(page), safe=False)


urlpatterns = [path("bench/bare-claims/", bare_claims), *site_urlpatterns]
