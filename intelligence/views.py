"""The intelligence app's pages: explaining a contradiction flag."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.decorators import member_required
from claims.permissions import Action, require

from .forms import ExplainFlagForm
from .models import ContradictionFlag
from .services import explain_flag


@member_required
@require_http_methods(["GET", "POST"])
def flag_explain(request, pk):
    """A contradiction flag with its two claims, and the form that marks it
    explained; back to the first claim once done."""
    flag = get_object_or_404(ContradictionFlag.objects.select_related("first_claim", "second_claim"), pk=pk)
    form = ExplainFlagForm(request.POST or None)
    if request.method == "POST":
        require(request.user, Action.EXPLAIN_FLAG, flag)
        if form.is_valid():
            try:
                explain_flag(flag, request.user, note=form.cleaned_data["note"])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The contradiction is marked as explained."))
                return redirect(flag.first_claim)
    status = 400 if request.method == "POST" else 200
    return render(request, "intelligence/flag_explain.html", {"flag": flag, "form": form}, status=status)
