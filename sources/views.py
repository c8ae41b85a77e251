"""Downloads of what the checks archived, to members only: archives are the
reviewers' working material, not public media."""

from django.shortcuts import get_object_or_404

from claims.downloads import archive_download
from claims.views import member_required

from .models import SourceCheck


@member_required
def check_archive(request, pk):
    return archive_download(get_object_or_404(SourceCheck, pk=pk))
