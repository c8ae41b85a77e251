"""The health endpoints: no login, JSON, 200 when fine and 503 when not."""

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import health


@never_cache
@require_GET
def live(request):
    """The process is up and answers; nothing else is asked (no database)."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def ready(request):
    """Database, broker, a worker heard from lately, check requests answered in time."""
    report = health.readiness()
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)
