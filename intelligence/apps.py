from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntelligenceConfig(AppConfig):
    name = "intelligence"
    verbose_name = _("Conflict intelligence")

    def ready(self):
        # Groups copies and grades claims on what the sources and claims
        # apps report (finished checks, changed claims).
        from . import receivers  # noqa: F401
