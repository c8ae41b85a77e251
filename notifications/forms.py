from django import forms
from django.utils.translation import gettext_lazy as _

from .models import WebhookSubscription


class WebhookForm(forms.ModelForm):
    url = forms.URLField(label=_("Webhook address"), max_length=2000, assume_scheme="https")

    class Meta:
        model = WebhookSubscription
        fields = ["url"]
        help_texts = {"url": _("We post each notification here, signed with the secret shown once it is added.")}
