"""The bulk import page: upload a CSV or JSON file, which is imported in the
background (``claims/import_jobs.py``); the job's page follows its progress
and keeps its row-by-row report. The page lists the columns it reads and
links to a template."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from accounts.decorators import member_required

from .choices import (
    BoundQualifier,
    CasualtyCategory,
    ClaimKind,
    Language,
    PlacePrecision,
    Population,
    Presence,
    SourceRole,
    TimePrecision,
)
from .csv_columns import EXPORT_ONLY_COLUMNS
from .import_jobs import start_import, time_left
from .importing import ImportFileError
from .models import Job
from .permissions import Action, require

# How often the job's page asks for its progress.
PROGRESS_POLL = "every 2s"

# Enough for tens of thousands of claims; more is better run with the command.
MAX_IMPORT_BYTES = 10 * 1024 * 1024


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or JSON file"),
        help_text=_("A .json file is read as JSON, anything else as CSV (UTF-8, header row first)."),
    )
    keep_duplicates = forms.BooleanField(
        label=_("Keep rows that may repeat a claim"),
        required=False,
        help_text=_(
            "Without it, a row stating what an existing claim states (the same party under any of its names, "
            "in any language) is refused and reported with that claim. Tick it to restore an export."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s; split it or use the import_claims command.")
                % {"limit": filesizeformat(MAX_IMPORT_BYTES)}
            )
        return upload


def _one_of(choices) -> str:
    return ", ".join(choices.values)


def column_help() -> list[tuple[str, str]]:
    """Each column of an import file (``claims.csv_columns``) and what it holds."""
    return [
        ("text", _("The claim in its original language (required).")),
        ("language", _("Its language (required): %(codes)s.") % {"codes": _one_of(Language)}),
        ("translation", _("An English translation.")),
        ("kind", _("One of %(kinds)s; other if empty.") % {"kinds": _one_of(ClaimKind)}),
        ("claimant", _("Who makes the claim, by name; a new name adds the party.")),
        ("place", _("Where it happened, by name; a new name adds the place.")),
        ("place_precision", _("%(values)s; a new place is a locality if empty.") % {"values": _one_of(PlacePrecision)}),
        ("event", _("The event's slug.")),
        ("event_name", _("The event's name: adds the event if no event has the slug (or none is given).")),
        ("occurred_on, occurred_until, stated_on", _("Dates, as YYYY-MM-DD.")),
        ("time_precision", _one_of(TimePrecision)),
        (
            "figure1_category, figure1_population, figure1_qualifier, figure1_low, figure1_high, figure1_as_of",
            _(
                "A casualty figure: %(categories)s; %(populations)s (all if empty); %(qualifiers)s; "
                "whole numbers; a date."
            )
            % {
                "categories": _one_of(CasualtyCategory),
                "populations": _one_of(Population),
                "qualifiers": _one_of(BoundQualifier),
            },
        ),
        (
            "presence1_force, presence1_place, presence1_place_precision, presence1_presence, "
            "presence1_period_start, presence1_period_end, presence1_time_precision",
            _("A troop presence: the force and place by name; %(presence)s; dates.") % {"presence": _one_of(Presence)},
        ),
        (
            "source1_url, source1_role, source1_quoted_passage",
            _("A source: its URL; %(roles)s (origin if empty); the passage it carries.")
            % {"roles": _one_of(SourceRole)},
        ),
        (
            ", ".join(EXPORT_ONLY_COLUMNS),
            _("Written by the export; read past (an imported claim is new and unverified)."),
        ),
    ]


@login_required
def import_claims_view(request):
    """GET: the upload form. POST: queue the file's import and follow it on the job's page."""
    require(request.user, Action.IMPORT_CLAIMS)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = start_import(
                request.user, upload.name, upload.read(), keep_duplicates=form.cleaned_data["keep_duplicates"]
            )
        except ImportFileError as error:
            form.add_error("file", str(error))
        else:
            return redirect(job)
    return render(request, "claims/import.html", {"form": form, "columns": column_help()})


@member_required
def job_list(request):
    """The jobs the signed-in user started, newest first."""
    jobs = Job.objects.filter(owner=request.user).only(
        "kind", "status", "file_name", "total", "rows_done", "rows_refused", "created_at", "finished_at"
    )
    return render(request, "claims/job_list.html", {"jobs": jobs})


def _job(request, pk):
    job = get_object_or_404(Job.objects.defer("content"), pk=pk)
    require(request.user, Action.VIEW_JOB, job)
    return job


@member_required
def job_detail(request, pk):
    """A job's progress while it runs, its report once it has ended."""
    job = _job(request, pk)
    return render(request, "claims/job_detail.html", _job_context(job))


@member_required
def job_progress(request, pk):
    """The progress panel alone, which the job's page polls until the job ends."""
    return render(request, "claims/_job_progress.html", _job_context(_job(request, pk)))


def _job_context(job: Job) -> dict:
    rows = job.rows.select_related("claim") if job.ended else None
    return {"job": job, "rows": rows, "seconds_left": time_left(job), "poll": PROGRESS_POLL}
