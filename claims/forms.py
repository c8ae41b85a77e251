"""The forms of the reviewer pages. They validate input and hand clean values
to ``claims.services``; they never write rows themselves."""

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from accounts.roles import member_accounts
from sources.choices import Reliability
from sources.normalize import MAX_URL_LENGTH
from tracker.widgets import NamedRowChoiceField

from .choices import Presence, SourceRole, Stance
from .models import NOTE_MAX_LENGTH, QUOTE_MAX_LENGTH, CasualtyFigure, Claim, Event

_DATE = forms.DateInput(attrs={"type": "date"})


def _name_input(kind: str) -> forms.TextInput:
    """A text input that offers the known names of parties (``kind``
    "actor") or places as the user types: the page's ``<datalist>``
    (``claims/_known_names.html``, filled when the page is made, so it works
    without JavaScript), narrowed by htmx to the names containing what was
    typed once the list is longer than a page holds."""
    return forms.TextInput(
        attrs={
            "list": f"{kind}-names",
            "autocomplete": "off",
            "hx-get": reverse_lazy(f"claims:{kind}_names"),
            "hx-trigger": "input changed delay:300ms",
            "hx-target": f"#{kind}-names",
            "hx-swap": "innerHTML",
        }
    )


class ClaimForm(forms.ModelForm):
    """The claim itself. Claimant and place are typed as names (existing
    ones are offered as suggestions) so that a reviewer never leaves the
    form to create them; the event is picked or named anew."""

    claimant_name = forms.CharField(
        label=_("Claimant"),
        max_length=200,
        required=False,
        widget=_name_input("actor"),
        help_text=_("Who makes the claim, e.g. a ministry: any of its names, in any language."),
    )
    place_name = forms.CharField(label=_("Place"), max_length=200, required=False, widget=_name_input("place"))
    new_event_name = forms.CharField(
        label=_("…or a new event"), max_length=300, required=False, help_text=_("Leave empty to use the event above.")
    )

    class Meta:
        model = Claim
        fields = ["text", "language", "translation", "kind", "event", "occurred_on", "occurred_until", "stated_on"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 4}),
            "translation": forms.Textarea(attrs={"rows": 3}),
            "occurred_on": _DATE,
            "occurred_until": _DATE,
            "stated_on": _DATE,
        }
        field_classes = {"event": NamedRowChoiceField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].required = False
        self.fields["event"].queryset = Event.objects.order_by("name")
        if self.instance.pk:
            self.initial.setdefault("claimant_name", self.instance.claimant.name if self.instance.claimant else "")
            self.initial.setdefault("place_name", self.instance.place.name if self.instance.place else "")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("event") and cleaned.get("new_event_name"):
            self.add_error("new_event_name", _("Pick an existing event or name a new one, not both."))
        return cleaned

    def claim_fields(self) -> dict:
        """The ``Claim`` field values for ``claims.services``, with claimant,
        place and a new event by name: the service finds or creates them."""
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["claimant_name"] = self.cleaned_data["claimant_name"]
        data["place_name"] = self.cleaned_data["place_name"]
        if self.cleaned_data.get("new_event_name"):
            data["event_name"] = self.cleaned_data["new_event_name"]
        return data


class ClaimEditForm(ClaimForm):
    """Editing a claim: the same fields, based on the version the user saw."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class CasualtyFigureForm(forms.ModelForm):
    class Meta:
        model = CasualtyFigure
        fields = ["category", "population", "qualifier", "low", "high", "as_of"]
        widgets = {"as_of": _DATE}


class TroopPresenceForm(forms.Form):
    force_name = forms.CharField(label=_("Force"), max_length=200, widget=_name_input("actor"))
    place_name = forms.CharField(label=_("Place"), max_length=200, widget=_name_input("place"))
    # An empty first choice, so that a row left blank is seen as unchanged and skipped.
    presence = forms.ChoiceField(label=_("Present or absent"), choices=[("", "---------"), *Presence.choices])
    period_start = forms.DateField(label=_("From"), required=False, widget=_DATE)
    period_end = forms.DateField(label=_("Until"), required=False, widget=_DATE)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error(
                "period_end",
                _("The end of the period (%(end)s) is before its start (%(start)s).")
                % {
                    "end": end,
                    "start": start,
                },
            )
        return cleaned

    def presence_fields(self) -> dict:
        return {
            "force_name": self.cleaned_data["force_name"],
            "place_name": self.cleaned_data["place_name"],
            "presence": self.cleaned_data["presence"],
            "period_start": self.cleaned_data["period_start"],
            "period_end": self.cleaned_data["period_end"],
        }


class SourceLinkForm(forms.Form):
    url = forms.URLField(label=_("Source URL"), max_length=MAX_URL_LENGTH, assume_scheme="https")
    role = forms.ChoiceField(label=_("Role"), choices=SourceRole.choices, initial=SourceRole.ORIGIN)
    quoted_passage = forms.CharField(
        label=_("Quoted passage"),
        required=False,
        max_length=QUOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The words of the page that carry the claim, copied exactly; the checks look for them."),
    )


CasualtyFigureFormSet = forms.formset_factory(CasualtyFigureForm, extra=3)
TroopPresenceFormSet = forms.formset_factory(TroopPresenceForm, extra=2)
# Editing: the claim's rows, each of which can be removed, and one more.
CasualtyFigureEditFormSet = forms.formset_factory(CasualtyFigureForm, extra=1, can_delete=True)
TroopPresenceEditFormSet = forms.formset_factory(TroopPresenceForm, extra=1, can_delete=True)


def detail_formsets(claim, data=None) -> dict:
    """The figure and presence formsets of the edit page, holding the
    claim's rows. A post without them (a client that edits only the claim's
    own fields) leaves them unbound, and the rows unchanged."""

    def bound(prefix):
        return data if data is not None and f"{prefix}-TOTAL_FORMS" in data else None

    figures = [
        {name: getattr(figure, name) for name in CasualtyFigureForm.Meta.fields}
        for figure in claim.casualty_figures.all()
    ]
    presences = [
        {
            "force_name": presence.force.name,
            "place_name": presence.place.name,
            "presence": presence.presence,
            "period_start": presence.period_start,
            "period_end": presence.period_end,
        }
        for presence in claim.troop_presences.select_related("force", "place")
    ]
    return {
        "figures": CasualtyFigureEditFormSet(bound("figures"), prefix="figures", initial=figures),
        "presences": TroopPresenceEditFormSet(bound("presences"), prefix="presences", initial=presences),
    }


def kept_rows(formset) -> list:
    """The valid rows of an edit formset the user kept (not marked for
    removal, not left blank)."""
    return [form for form in formset.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")]


def edited_figures(formset) -> list[dict] | None:
    """The claim's figures as edited, or ``None`` if they were not touched."""
    if not formset.is_bound or not formset.has_changed():
        return None
    return [{k: v for k, v in form.cleaned_data.items() if k != "DELETE"} for form in kept_rows(formset)]


def edited_presences(formset) -> list[dict] | None:
    """The claim's troop presences as edited, or ``None`` if not touched."""
    if not formset.is_bound or not formset.has_changed():
        return None
    return [form.presence_fields() for form in kept_rows(formset)]


SourceLinkFormSet = forms.formset_factory(SourceLinkForm, extra=1, min_num=1, validate_min=True)


class EvidenceForm(forms.Form):
    stance = forms.ChoiceField(label=_("Stance"), choices=Stance.choices)
    source_url = forms.URLField(label=_("Source URL"), max_length=MAX_URL_LENGTH, required=False, assume_scheme="https")
    file = forms.FileField(label=_("File"), required=False)
    quoted_passage = forms.CharField(
        label=_("Quoted passage"), required=False, max_length=QUOTE_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2})
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=NOTE_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("source_url") and not cleaned.get("file") and not self.errors:
            raise forms.ValidationError(_("Give a source URL, a file, or both."))
        return cleaned


class TransitionForm(forms.Form):
    target = forms.CharField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)
    rationale = forms.CharField(
        label=_("Rationale"), required=False, max_length=NOTE_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )


class AssignForm(forms.Form):
    """Whom a claim is assigned to: ``take`` for oneself, or an account
    (editors), or nobody."""

    assignee = forms.ModelChoiceField(
        label=_("Assign to"), queryset=member_accounts(), required=False, empty_label=_("Nobody")
    )
    take = forms.BooleanField(required=False, widget=forms.HiddenInput)


class MergeForm(forms.Form):
    """Which party (or place) the one on the page is the same as, typed by
    any of its names."""

    into = forms.CharField(label=_("The same as"), max_length=200)

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].widget = _name_input(kind)


def note_field(label, help_text) -> forms.CharField:
    """The required note that closes a flag: what the reviewer found."""
    return forms.CharField(
        label=label, max_length=NOTE_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 4}), help_text=help_text
    )


class VanishedFlagForm(forms.Form):
    note = note_field(_("What you found"), _("E.g. the archived copy still carries the figure and the verdict stands."))


class OutletRatingForm(forms.Form):
    """An outlet's rating on the Admiralty scale and why: the reason is
    required, so that the log says what the rating rests on."""

    reliability = forms.ChoiceField(label=_("Reliability"), choices=Reliability.choices)
    reason = note_field(
        _("Why this rating"), _("E.g. its casualty figures matched the final tolls in three earlier offensives.")
    )
