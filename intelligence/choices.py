"""Vocabularies of the intelligence app that are not a model's field."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ArticleState(models.TextChoices):
    """Where an article given by its URL stands (``articles.fetched_article``)."""

    FETCHING = "fetching", _("Being fetched")
    READY = "ready", _("Read")
    FAILED = "failed", _("Could not be read")
