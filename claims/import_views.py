"""The bulk import page: upload a CSV or JSON file, read the row-by-row report."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from .importing import ImportFileError, import_claims, parse_file
from .permissions import Action, require

# Enough for tens of thousands of claims; more is better run with the command.
MAX_IMPORT_BYTES = 10 * 1024 * 1024


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or JSON file"),
        help_text=_("A .json file is read as JSON, anything else as CSV (UTF-8, header row first)."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s; split it or use the import_claims command.")
                % {"limit": filesizeformat(MAX_IMPORT_BYTES)}
            )
        return upload


@login_required
def import_claims_view(request):
    """GET: the upload form. POST: import the file and show what happened to each row."""
    require(request.user, Action.IMPORT_CLAIMS)
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows = parse_file(upload.name, upload)
        except ImportFileError as error:
            form.add_error("file", str(error))
        else:
            report = import_claims(request.user, rows)
    return render(request, "claims/import.html", {"form": form, "report": report})
