"""The outlets' pages: every outlet with its rating, and one outlet with
its rating's history, its sources and the claims citing them, where an
editor rates it (``sources.services.rate_outlet``).

They live here, not in ``sources``, because rating is a role's right that
``claims.permissions`` decides (``RATE_OUTLET``) and an outlet's claims
are the claims app's rows; ``sources`` imports neither.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _

from accounts.decorators import member_required
from sources.models import Outlet
from sources.services import rate_outlet

from .forms import OutletRatingForm
from .models import Claim, ClaimSource
from .permissions import Action, can, require

OUTLETS_PER_PAGE = 100
SOURCES_PER_PAGE = 50
# The newest claims shown on an outlet's page; the claim list, filtered by
# the outlet, has them all.
CLAIMS_SHOWN = 20


@member_required
def outlet_list(request):
    outlets = Outlet.objects.annotate(source_count=Count("sources")).order_by("name")
    page = Paginator(outlets, OUTLETS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "claims/outlet_list.html", {"page": page})


@member_required
def outlet_detail(request, pk):
    """An outlet's details and rating (who set it, when, why, and every
    rating before), its sources and the claims citing them. An editor's
    POST rates it and comes back here; a refused rating shows the page
    again with the errors and what was typed."""
    outlet = get_object_or_404(Outlet.objects.select_related("reliability_set_by"), pk=pk)
    may_rate = can(request.user, Action.RATE_OUTLET)
    form = OutletRatingForm(initial={"reliability": outlet.reliability})
    if request.method == "POST":
        require(request.user, Action.RATE_OUTLET)
        form = OutletRatingForm(request.POST)
        if form.is_valid():
            try:
                rate_outlet(outlet, form.cleaned_data["reliability"], form.cleaned_data["reason"], request.user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The outlet is rated; the grades of the claims citing it are updated."))
                return redirect("claims:outlet_detail", pk=outlet.pk)
    links = ClaimSource.objects.filter(claim=OuterRef("pk"), source__outlet=outlet, withdrawn_at__isnull=True)
    claims = Claim.objects.filter(Exists(links)).select_related("claimant", "grade").order_by("-created_at")
    sources = outlet.sources.select_related("outlet").order_by("-created_at")
    context = {
        "outlet": outlet,
        "ratings": outlet.ratings.select_related("set_by"),
        "page": Paginator(sources, SOURCES_PER_PAGE).get_page(request.GET.get("page")),
        "claims": claims[:CLAIMS_SHOWN],
        "claim_count": claims.count(),
        "may_rate": may_rate,
        "form": form,
    }
    return render(request, "claims/outlet_detail.html", context, status=400 if form.errors else 200)
