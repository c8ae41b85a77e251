"""The reviewer pages: plain function views that read through querysets,
write through ``claims.services`` and ``claims.workflow``, and ask
``claims.permissions`` before doing either."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import member_required
from sources.choices import Reliability
from sources.services import request_check

from . import queues, services
from .downloads import evidence_download
from .exceptions import PossibleDuplicate, StaleVersion, TransitionRefused
from .filters import ClaimFilterSet
from .forms import (
    AssignForm,
    CasualtyFigureFormSet,
    ClaimEditForm,
    ClaimForm,
    EvidenceForm,
    SourceLinkFormSet,
    TransitionForm,
    TroopPresenceFormSet,
    VanishedFlagForm,
    detail_formsets,
    edited_figures,
    edited_presences,
)
from .list_rows import claim_rows
from .log_wording import describe
from .models import CasualtyFigure, Claim, ClaimLogEntry, ClaimSource, Event, Evidence, TroopPresence, VanishedFlag
from .permissions import Action, can, require
from .similar import similar_claims
from .workflow import allowed_transitions, change_status, next_steps

PAGE_SIZES = (25, 50, 100)


def _claim_for_page(pk):
    return get_object_or_404(
        Claim.objects.select_related("claimant", "event", "place", "submitter", "assignee", "grade"), pk=pk
    )


@member_required
def help_page(request):
    """What the grades and scales the pages show mean."""
    return render(request, "claims/help.html", {"reliability_grades": Reliability.choices})


@member_required
def dashboard(request):
    """A work queue: what needs this user now, each item a link to where they act."""
    user = request.user
    context = {
        "published_troubled": queues.published_claims_with_troubled_sources(),
        "vanished": queues.vanished_quotes_and_figures(),
        "my_claims": queues.my_claims(user),
        "awaiting_verdict": queues.awaiting_my_verdict(user),
        "may_publish": can(user, Action.PUBLISH_VERDICTS),
        "unassigned": queues.unassigned_claims(user),
        "not_matching": queues.links_not_matching(),
        "activity": queues.activity_on_what_i_touched(user),
        "may_import": can(user, Action.IMPORT_CLAIMS),
    }
    return render(request, "claims/dashboard.html", context)


@member_required
def claim_list(request):
    filterset = ClaimFilterSet(request.GET, queryset=Claim.objects.for_list())
    claims = filterset.qs if filterset.is_valid() else Claim.objects.none()
    try:
        per_page = int(request.GET.get("per_page", PAGE_SIZES[0]))
    except ValueError:
        per_page = PAGE_SIZES[0]
    per_page = per_page if per_page in PAGE_SIZES else PAGE_SIZES[0]
    page = Paginator(claims, per_page).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": filterset,
        "page": page,
        "rows": claim_rows(page),
        "query": query.urlencode(),
        "page_sizes": PAGE_SIZES,
        "filters_in_use": sum(1 for name in filterset.form.fields if request.GET.get(name)),
        "may_import": can(request.user, Action.IMPORT_CLAIMS),
    }
    template = "claims/_claim_table.html" if request.htmx else "claims/claim_list.html"
    return render(request, template, context)


def _submission_forms(data=None):
    return {
        "form": ClaimForm(data, prefix="claim"),
        "figures": CasualtyFigureFormSet(data, prefix="figures"),
        "presences": TroopPresenceFormSet(data, prefix="presences"),
        "sources": SourceLinkFormSet(data, prefix="sources"),
    }


@member_required
def claim_submit(request):
    require(request.user, Action.SUBMIT_CLAIM)
    forms = _submission_forms(request.POST if request.method == "POST" else None)
    similar = []
    if request.method == "POST" and all(f.is_valid() for f in forms.values()):
        confirmed = bool(request.POST.get("confirm_not_duplicate"))
        # Once the reviewer has confirmed, the similar claims are looked for
        # only if the form is shown again: on 100,000 claims the search takes
        # about a second of the database's time.
        similar = [] if confirmed else _similar_texts(forms)
        if not similar:
            try:
                claim = _submit(request.user, forms, refuse_duplicates=not confirmed)
            except PossibleDuplicate as duplicate:
                # The same facts in other words, or another language: shown as the similar texts are.
                similar = duplicate.duplicates
            except ValidationError as error:
                forms["form"].add_error(None, error)
                similar = _similar_texts(forms) if confirmed else []
            else:
                messages.success(request, _("Claim submitted. Its sources are being checked."))
                return redirect(claim)
    status = 400 if request.method == "POST" else 200
    return render(request, "claims/claim_submit.html", {**forms, "similar": similar}, status=status)


def _similar_texts(forms) -> list:
    """The existing claims whose text is like the submitted one's, each with how alike."""
    return [
        (other, _("%(percent)d%% alike") % {"percent": round(score * 100)})
        for other, score in similar_claims(forms["form"].cleaned_data["text"])
    ]


def _submit(user, forms, *, refuse_duplicates=False) -> Claim:
    return services.submit_claim(
        user,
        refuse_duplicates=refuse_duplicates,
        fields=forms["form"].claim_fields(),
        figures=[f.cleaned_data for f in forms["figures"] if f.has_changed()],
        presences=[f.presence_fields() for f in forms["presences"] if f.has_changed()],
        sources=[
            services.SourceLinkData(
                url=f.cleaned_data["url"], role=f.cleaned_data["role"], quoted_passage=f.cleaned_data["quoted_passage"]
            )
            for f in forms["sources"]
            if f.has_changed()
        ],
    )


def _detail_context(
    request,
    claim,
    *,
    evidence_form=None,
    transition_error="",
    chosen_target="",
    typed_rationale="",
    withdraw_source_errors=None,
):
    links = list(
        ClaimSource.objects.filter(claim=claim, withdrawn_at__isnull=True)
        # ``claim`` for the withdrawal's permission, which reads its status.
        .select_related("claim", "source__outlet", "source__latest_check", "matched_check")
        .order_by("added_at", "id")
    )
    user = request.user
    allowed = allowed_transitions(claim, user)
    withdraw_source_errors = withdraw_source_errors or {}
    return {
        "claim": claim,
        "figures": CasualtyFigure.objects.filter(claim=claim),
        "presences": TroopPresence.objects.filter(claim=claim).select_related("force", "place"),
        "links": [
            (link, can(user, Action.WITHDRAW_SOURCE, link), withdraw_source_errors.get(link.pk)) for link in links
        ],
        "polling": any(link.source.check_pending for link in links),
        "vanished_flags": VanishedFlag.objects.filter(link__claim=claim, closed_at=None).select_related(
            "link__source", "before_check", "after_check"
        ),
        "evidence": [
            (item, can(user, Action.WITHDRAW_EVIDENCE, item))
            for item in Evidence.objects.filter(claim=claim).select_related("source", "author")
        ],
        "log": [
            (entry, describe(entry)) for entry in ClaimLogEntry.objects.filter(claim=claim).select_related("actor")
        ],
        "next_steps": next_steps(claim, user),
        # Moves without a rationale are buttons; those that need one are a
        # single form, the move (a verdict among them) a choice in it.
        "quick_moves": [rule for rule in allowed if not rule.needs_rationale],
        "reasoned_moves": [rule for rule in allowed if rule.needs_rationale],
        "transition_error": transition_error,
        "chosen_target": chosen_target,
        "typed_rationale": typed_rationale,
        "evidence_form": evidence_form or EvidenceForm(),
        "may_edit": can(user, Action.EDIT_CLAIM, claim),
        "may_take": can(user, Action.TAKE_CLAIM, claim) and claim.assignee_id != user.pk,
        "may_assign": can(user, Action.ASSIGN_CLAIM, claim),
        "may_release": claim.assignee_id == user.pk and can(user, Action.TAKE_CLAIM, claim),
        "assign_form": AssignForm(initial={"assignee": claim.assignee_id}),
        "may_add_evidence": can(user, Action.ADD_EVIDENCE, claim),
        "may_request_check": can(user, Action.REQUEST_CHECK, claim),
        "may_merge": can(user, Action.MERGE_NAMED_ROWS),
    }


def claim_detail(request, pk):
    """The reviewers' page of a claim; for anyone else, the public page of a
    claim with a published verdict (where its ClaimReview is embedded, so
    that search engines can read it). Others are sent to log in."""
    claim = _claim_for_page(pk)
    if can(request.user, Action.VIEW_INTERNAL):
        return render(request, "claims/claim_detail.html", _detail_context(request, claim))
    if not can(request.user, Action.VIEW_CLAIM, claim):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        require(request.user, Action.VIEW_CLAIM, claim)
    links = ClaimSource.objects.filter(claim=claim, withdrawn_at__isnull=True).select_related("source__outlet")
    verdicts = list(claim.verdicts.all())
    current = next((verdict for verdict in verdicts if verdict.superseded_at is None), None)
    earlier = [verdict for verdict in verdicts if verdict is not current]
    context = {"claim": claim, "verdict": current, "earlier_verdicts": earlier, "links": links}
    return render(request, "claims/claim_public.html", context)


@member_required
def claim_sources(request, pk):
    """The sources panel alone, which the detail page polls while checks run."""
    claim = _claim_for_page(pk)
    return render(request, "claims/_sources.html", _detail_context(request, claim))


@member_required
@require_POST
def source_check_now(request, pk, link_pk):
    claim = _claim_for_page(pk)
    require(request.user, Action.REQUEST_CHECK, claim)
    link = get_object_or_404(ClaimSource.objects.select_related("source"), pk=link_pk, claim=claim)
    with transaction.atomic():
        requested = request_check(link.source)
    if request.htmx:
        return render(request, "claims/_sources.html", _detail_context(request, claim))
    if requested:
        messages.success(request, _("A new check of this source has been asked for."))
    else:
        messages.info(request, _("A check of this source is already under way."))
    return redirect(claim)


@member_required
@require_POST
def source_withdraw(request, pk, link_pk):
    """Withdraw a source link, with a reason: it leaves the claim's sources
    and stays in its log."""
    claim = _claim_for_page(pk)
    link = get_object_or_404(ClaimSource.objects.select_related("claim", "source"), pk=link_pk, claim=claim)
    try:
        services.withdraw_source_link(link, request.user, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        context = _detail_context(request, claim, withdraw_source_errors={link.pk: " ".join(error.messages)})
        return render(request, "claims/claim_detail.html", context, status=400)
    messages.success(request, _("Source withdrawn. It stays on record in the claim's history."))
    return redirect(claim)


@member_required
def evidence_add(request, pk):
    claim = _claim_for_page(pk)
    require(request.user, Action.ADD_EVIDENCE, claim)
    if request.method != "POST":
        return redirect(claim)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_evidence(claim, request.user, **form.cleaned_data)
        except ValidationError as error:
            for field, field_errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, field_errors)
        else:
            messages.success(request, _("Evidence attached."))
            return redirect(f"{claim.get_absolute_url()}#evidence")
    context = _detail_context(request, claim, evidence_form=form)
    return render(request, "claims/claim_detail.html", context, status=400)


@member_required
def evidence_file(request, pk, evidence_pk):
    """An evidence file, to members only: what reviewers attach is not public."""
    return evidence_download(get_object_or_404(Evidence, pk=evidence_pk, claim_id=pk))


@member_required
@require_POST
def evidence_withdraw(request, pk, evidence_pk):
    evidence = get_object_or_404(Evidence, pk=evidence_pk, claim_id=pk)
    try:
        services.withdraw_evidence(evidence, request.user, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(f"{evidence.claim.get_absolute_url()}#evidence")
    messages.success(request, _("Evidence withdrawn. It stays on record, marked withdrawn."))
    return redirect(f"{evidence.claim.get_absolute_url()}#evidence")


@member_required
@require_POST
def claim_transition(request, pk):
    claim = _claim_for_page(pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        if "target" not in form.errors:
            return HttpResponse(status=400)
        context = _detail_context(
            request,
            claim,
            transition_error=_("Choose a decision."),
            typed_rationale=form.cleaned_data.get("rationale", ""),
        )
        return render(request, "claims/claim_detail.html", context, status=400)
    target = form.cleaned_data["target"]
    try:
        change_status(
            claim,
            request.user,
            target,
            rationale=form.cleaned_data["rationale"],
            expected_version=form.cleaned_data["version"],
        )
    except (TransitionRefused, StaleVersion) as refused:
        context = _detail_context(
            request,
            claim,
            transition_error=str(refused),
            chosen_target=target,
            typed_rationale=form.cleaned_data["rationale"],
        )
        messages.error(request, str(refused))
        return render(
            request, "claims/claim_detail.html", context, status=409 if isinstance(refused, StaleVersion) else 400
        )
    messages.success(request, _("Status changed."))
    return redirect(claim)


@member_required
@require_POST
def claim_assign(request, pk):
    """Assign the claim: to oneself ("take"), to a member, or to nobody."""
    claim = _claim_for_page(pk)
    form = AssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("assignee", [])))
        return redirect(claim)
    assignee = request.user if form.cleaned_data["take"] else form.cleaned_data["assignee"]
    try:
        services.assign_claim(claim, request.user, assignee)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(claim)
    if assignee is None:
        messages.success(request, _("The claim is no longer assigned."))
    else:
        messages.success(request, _("Claim assigned to %(name)s.") % {"name": assignee})
    return redirect(claim)


@member_required
@require_http_methods(["GET", "POST"])
def vanished_close(request, pk):
    """A vanished quote or figure with its two archived copies, and the form
    that closes it once looked at; back to the claim once done."""
    flag = get_object_or_404(VanishedFlag.objects.select_related("link__claim", "link__source"), pk=pk)
    form = VanishedFlagForm(request.POST or None)
    if request.method == "POST":
        require(request.user, Action.EXPLAIN_FLAG, flag)
        if form.is_valid():
            try:
                services.close_vanished_flag(flag, request.user, note=form.cleaned_data["note"])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The flag is closed."))
                return redirect(flag.link.claim)
    status = 400 if request.method == "POST" else 200
    return render(request, "claims/vanished_close.html", {"flag": flag, "form": form}, status=status)


@member_required
def claim_edit(request, pk):
    claim = _claim_for_page(pk)
    require(request.user, Action.EDIT_CLAIM, claim)
    conflict = None
    if request.method == "POST":
        form = ClaimEditForm(request.POST, instance=Claim.objects.get(pk=pk), prefix="claim")
        details = detail_formsets(claim, request.POST)
        # Every part is validated, so that each shows its own errors.
        checks = [form.is_valid(), *(formset.is_valid() for formset in details.values() if formset.is_bound)]
        if all(checks):
            try:
                services.edit_claim(
                    claim,
                    request.user,
                    expected_version=form.cleaned_data["version"],
                    fields=form.claim_fields(),
                    figures=edited_figures(details["figures"]),
                    presences=edited_presences(details["presences"]),
                )
            except StaleVersion as stale:
                conflict = stale
                claim.refresh_from_db()
                # Keep what was typed; base a second save on the version now current.
                # Validating copies the typed values onto the form's instance, so the
                # form gets its own copy and ``claim`` still shows what is stored.
                data = request.POST.copy()
                data["claim-version"] = claim.version
                form = ClaimEditForm(data, instance=Claim.objects.get(pk=pk), prefix="claim")
                form.is_valid()
                details = detail_formsets(claim, data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Claim saved."))
                return redirect(claim)
    else:
        form = ClaimEditForm(instance=claim, initial={"version": claim.version}, prefix="claim")
        details = detail_formsets(claim)
    status = 409 if conflict else (400 if request.method == "POST" else 200)
    context = {"claim": claim, "form": form, "conflict": conflict, **details}
    return render(request, "claims/claim_edit.html", context, status=status)


@member_required
def event_detail(request, slug):
    event = get_object_or_404(Event, slug=slug)
    claims = (
        Claim.objects.filter(event=event)
        .select_related("claimant", "place")
        .prefetch_related(
            "casualty_figures",
            Prefetch("troop_presences", queryset=TroopPresence.objects.select_related("force", "place")),
            "source_links__source__outlet",
        )
        .order_by("stated_on", "created_at")
    )
    presences = {}
    for claim in claims:
        for presence in claim.troop_presences.all():
            presences.setdefault((presence.force, presence.place), []).append((claim, presence))
    context = {
        "event": event,
        "claims": claims,
        "presence_groups": sorted(presences.items(), key=lambda item: (item[0][0].name, item[0][1].name)),
    }
    return render(request, "claims/event_detail.html", context)


@member_required
def event_list(request):
    events = Event.objects.annotate(claim_count=Count("claims")).select_related("place")
    return render(request, "claims/event_list.html", {"events": events})
