"""The API tokens page: a member lists their tokens, makes one (its secret
shown once, on the answer to the form) and revokes one. Nobody sees or
revokes anyone else's: another's token is not found (404)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from . import tokens
from .decorators import member_required
from .forms import TokenForm


@member_required
@require_safe
def token_list(request):
    return _token_page(request, TokenForm())


def _token_page(request, form, status=200):
    """The page, with ``form`` (empty, or refused with what was typed)."""
    context = {"tokens": request.user.api_tokens.all(), "form": form}
    return render(request, "accounts/token_list.html", context, status=status)


@member_required
@require_POST
def token_create(request):
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _token_page(request, form, status=400)
    token, secret = tokens.issue(request.user, form.cleaned_data["name"])
    context = {
        "token": token,
        "secret": secret,
        "api_url": request.build_absolute_uri(reverse("api:me")),
    }
    response = render(request, "accounts/token_created.html", context)
    # The secret is on this page alone: no cache may keep a copy.
    add_never_cache_headers(response)
    return response


@member_required
@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(request.user.api_tokens.live(), pk=pk)
    tokens.revoke(token)
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("accounts:token_list")
