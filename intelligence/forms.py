"""The intelligence app's forms: explaining a contradiction, and the ingest
page's article and suggested claims."""

from django import forms
from django.utils.translation import gettext_lazy as _

from claims.choices import ClaimKind, Language
from claims.forms import CasualtyFigureForm, TroopPresenceForm, note_field
from claims.models import CLAIM_TEXT_MAX_LENGTH
from sources.normalize import MAX_URL_LENGTH


class ExplainFlagForm(forms.Form):
    note = note_field(
        _("Why both claims may stand"),
        _("E.g. the lower figure counts only the town, or it was reported before the last strike."),
    )


class ArticleForm(forms.Form):
    """An article to suggest claims from, and where the claims kept will go."""

    text = forms.CharField(
        label=_("Article text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Chinese or English, as published. Leave it empty to fetch the article from its URL."),
    )
    article_url = forms.URLField(
        label=_("Article URL"),
        max_length=MAX_URL_LENGTH,
        assume_scheme="https",
        help_text=_(
            "Each claim kept is linked to this source, its sentence as the quoted passage. "
            "With no text, the page at this URL is fetched, archived and read."
        ),
    )
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", _("Detect")), ("zh", _("Chinese")), ("en", _("English"))]
    )
    event_name = forms.CharField(label=_("Event"), required=False, max_length=300)
    published_on = forms.DateField(
        label=_("Published on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_(
            "The article's date: each claim kept is stated on it, so that its figures and troop presences "
            "are compared with those of the same days."
        ),
    )


class CandidateForm(forms.Form):
    """One suggested claim, as the reviewer keeps and corrects it."""

    keep = forms.BooleanField(label=_("Keep"), required=False)
    sentence = forms.CharField(
        label=_("Claim"), max_length=CLAIM_TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2})
    )
    language = forms.ChoiceField(choices=Language.choices, widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("Kind"), choices=ClaimKind.choices)
    claimant = forms.CharField(label=_("Claimant"), required=False, max_length=200)


# A suggestion's figures and troop presences, to correct or drop. No blank
# row is offered: an article gives up to hundreds of suggestions, and blank
# rows doubled the page and the time to answer it (bench/extraction.py);
# what a sentence did not yield is added on the claim's edit page.
CandidateFigureFormSet = forms.formset_factory(CasualtyFigureForm, extra=0, can_delete=True)
CandidatePresenceFormSet = forms.formset_factory(TroopPresenceForm, extra=0, can_delete=True)
