"""Pages about parties and places as identities: the names offered as the
user types, and merging two rows found to be the same (an editor's job,
``claims.services.merge_actors``/``merge_places``)."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy

from accounts.decorators import member_required

from . import services
from .forms import MergeForm
from .lookups import known_actor_names, known_place_names, resolve_actor, resolve_place
from .models import Actor, Place
from .permissions import Action, require


def _typed(request) -> str:
    """What the user typed into a name input. htmx sends the input's value
    under the input's own name (``claim-claimant_name``,
    ``presences-0-force_name``...), so the one value sent is taken,
    whatever it is called."""
    values = list(request.GET.values())
    return values[0] if len(values) == 1 else ""


@member_required
def actor_names(request):
    """The ``<option>``s of the party names containing what was typed."""
    return render(request, "claims/_name_options.html", {"names": known_actor_names(_typed(request))})


@member_required
def place_names(request):
    """The ``<option>``s of the place names containing what was typed."""
    return render(request, "claims/_name_options.html", {"names": known_place_names(_typed(request))})


@dataclass(frozen=True)
class _Mergeable:
    model: type
    kind: str  # "actor" or "place": the name inputs' datalist
    resolve: object
    merge: object
    title: str
    unknown: str
    done: str
    list_filter: str = ""  # the claim list's filter that shows the survivor's claims


_ACTOR = _Mergeable(
    Actor,
    "actor",
    resolve_actor,
    services.merge_actors,
    gettext_lazy("Merge a party into another"),
    gettext_lazy("No party is called “%(name)s”."),
    gettext_lazy("“%(merged)s” is now one party with “%(into)s”; its names find “%(into)s”."),
    "claimant",
)
_PLACE = _Mergeable(
    Place,
    "place",
    resolve_place,
    services.merge_places,
    gettext_lazy("Merge a place into another"),
    gettext_lazy("No place is called “%(name)s”."),
    gettext_lazy("“%(merged)s” is now one place with “%(into)s”; its names find “%(into)s”."),
)


@member_required
def actor_merge(request, pk):
    return _merge(request, pk, _ACTOR)


@member_required
def place_merge(request, pk):
    return _merge(request, pk, _PLACE)


def _merge(request, pk, mergeable: _Mergeable):
    require(request.user, Action.MERGE_NAMED_ROWS)
    merged = get_object_or_404(mergeable.model, pk=pk)
    form = MergeForm(request.POST or None, kind=mergeable.kind)
    if request.method == "POST" and form.is_valid():
        into = mergeable.resolve(form.cleaned_data["into"])
        if into is None:
            form.add_error("into", mergeable.unknown % {"name": form.cleaned_data["into"]})
        else:
            try:
                into = mergeable.merge(merged, into, request.user)
            except ValidationError as error:
                form.add_error(None, error)  # on "into" where the error names it
            else:
                messages.success(request, mergeable.done % {"merged": merged, "into": into})
                query = f"?{mergeable.list_filter}={into.pk}" if mergeable.list_filter else ""
                return redirect(reverse("claims:claim_list") + query)
    context = {"form": form, "merged": merged, "title": mergeable.title, "aliases": merged.aliases.all()}
    return render(request, "claims/merge.html", context, status=400 if form.errors else 200)
