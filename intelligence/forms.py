"""The intelligence app's forms."""

from django import forms
from django.utils.translation import gettext_lazy as _

from claims.models import NOTE_MAX_LENGTH


class ExplainFlagForm(forms.Form):
    note = forms.CharField(
        label=_("Why both claims may stand"),
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("E.g. the lower figure counts only the town, or it was reported before the last strike."),
    )
