"""The forms of the notifications page."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import EmailDigest, WebhookSubscription


class WebhookForm(forms.ModelForm):
    url = forms.URLField(label=_("Webhook address"), max_length=2000, assume_scheme="https")

    class Meta:
        model = WebhookSubscription
        fields = ["url"]
        help_texts = {"url": _("We post each notification here, signed with the secret shown once it is added.")}


class DigestForm(forms.ModelForm):
    """A member's own choice of email digest: the view saves it for the signed-in user, never for another."""

    class Meta:
        model = EmailDigest
        fields = ["frequency"]
        widgets = {"frequency": forms.RadioSelect}
        help_texts = {
            "frequency": _(
                "Once a day, one email listing the notifications that came since the last one and are still unread."
            )
        }
