from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = _("Claims")

    def ready(self):
        # Subscribes the claims to what the sources app reports (finished checks).
        from . import receivers  # noqa: F401
