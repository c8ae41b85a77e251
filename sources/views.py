"""The pages of the sources app, to members only: a source's check history
and the archives its checks made are the reviewers' working material, not
public media."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from accounts.decorators import member_required

from .changes import changes_since_previous
from .downloads import archive_download
from .models import Source, SourceCheck

CHECKS_PER_PAGE = 25


@member_required
def source_detail(request, pk):
    """A source's state, the claims that cite it, and every check of it,
    newest first, each with its archived copy: when a page has changed or
    gone away, this is where its earlier versions are found."""
    source = get_object_or_404(Source.objects.with_outlets(), pk=pk)
    checks = source.checks.order_by("-started_at")
    last_good = source.checks.good().order_by("-finished_at").first()
    links = source.claim_links.filter(withdrawn_at__isnull=True).select_related("claim__claimant")
    context = {
        "source": source,
        "links": links,
        "last_good": last_good,
        "page": Paginator(checks, CHECKS_PER_PAGE).get_page(request.GET.get("page")),
    }
    return render(request, "sources/source_detail.html", context)


@member_required
def check_changes(request, pk):
    """How the page's text changed between the source's previous good check and this one."""
    check = get_object_or_404(SourceCheck.objects.good().select_related("source"), pk=pk)
    previous, blocks = changes_since_previous(check)
    context = {"source": check.source, "check": check, "previous": previous, "blocks": blocks}
    return render(request, "sources/check_changes.html", context)


@member_required
def check_archive(request, pk):
    return archive_download(get_object_or_404(SourceCheck, pk=pk))
