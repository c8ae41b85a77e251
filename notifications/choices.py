"""Every vocabulary of the notifications app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    SOURCE_CHANGED = "source_changed", _("A source changed")
    SOURCE_GONE = "source_gone", _("A source went away")
    VERDICT_CHANGED = "verdict_changed", _("The verdict changed")
    CONTRADICTION = "contradiction", _("Another claim contradicts it")
    VANISHED = "vanished", _("A quote or figure vanished from its source")


class DigestFrequency(models.TextChoices):
    NONE = "none", _("No email")
    DAILY = "daily", _("A daily email of what is still unread")
