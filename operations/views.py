"""The operations endpoints: health (no login, JSON, 200 when fine and 503
when not), the Prometheus metrics and the stats page (admins, or a scraper
holding ``METRICS_TOKEN``)."""

import hmac

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.roles import Role, roles_of
from sources.choices import CheckOutcome

from . import health, metrics


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


def _is_admin(user) -> bool:
    # The tracker's admin role, as claims.permissions.can decides MANAGE_REFERENCE_DATA;
    # operations sits below claims and asks accounts, as sources does.
    return Role.ADMIN in roles_of(user)


def _holds_metrics_token(request) -> bool:
    token = settings.METRICS_TOKEN
    if not token:
        return False
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    return bool(given) and hmac.compare_digest(given.encode(), token.encode())


@never_cache
@require_GET
def prometheus_metrics(request):
    """The figures in Prometheus's text format, for a scraper sending
    ``Authorization: Bearer <METRICS_TOKEN>`` or an admin's session."""
    if not (_holds_metrics_token(request) or _is_admin(request.user)):
        return HttpResponse("Forbidden: send the metrics token or log in as an admin.\n", status=403)
    body, content_type = metrics.exposition()
    return HttpResponse(body, content_type=content_type)


@never_cache
@require_GET
def stats(request):
    """The same figures for people: checks in the last hour by outcome, the
    queues, the workers and the oldest waiting request."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not _is_admin(request.user):
        raise PermissionDenied
    figures = metrics.read_figures()
    outcomes = []
    if figures.outcomes_total is not None:
        for outcome in CheckOutcome:
            total = figures.outcomes_total.get(outcome.value, 0)
            if total:
                outcomes.append((outcome.value, outcome.label, figures.outcomes_last_hour.get(outcome.value, 0), total))
    workers = sorted((figures.workers or {}).items())
    context = {
        "figures": figures,
        "outcomes": outcomes,
        "workers": workers,
        "silence_limit": settings.HEALTH_WORKER_SILENCE_LIMIT,
    }
    return render(request, "operations/stats.html", context)
