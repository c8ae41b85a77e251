"""Downloads of what the checks archived. Archives are working material of
the reviewers, so they are served through a permission check, never as
public media files."""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404

from claims.views import member_required

from .models import SourceCheck


@member_required
def check_archive(request, pk):
    check = get_object_or_404(SourceCheck, pk=pk)
    if not check.warc:
        raise Http404("This check archived nothing.")
    filename = f"source-{check.source_id}-check-{check.pk}.warc.gz"
    return FileResponse(check.warc.open("rb"), as_attachment=True, filename=filename, content_type="application/warc")
