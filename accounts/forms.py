"""The form of the API tokens page."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ApiToken


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=ApiToken._meta.get_field("name").max_length,
        help_text=_("What the token is for, e.g. the script or machine that uses it."),
        error_messages={"required": _("Give the token a name, to tell it apart from your others.")},
    )
